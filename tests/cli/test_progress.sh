# Progress on a terminal (issue 15): collect, verify, erase, prune, pack and
# verify-pack draw "what: done / total (pct), rate/s, N s left" on stderr
# with \r and clear it at the end, only when stderr is a terminal, never
# with -q.  The two-second threshold is lowered with
# AUDITPACK_PROGRESS_AFTER=0.
. "$TESTS/cli/lib.sh"
pty() { python3 "$TESTS/cli/pty_stderr.py" "$@"; }
"$AP" -q init --origin test.example/progress || die "init"
python3 - "$WORK/access.log" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(40000):
        f.write('10.0.%d.%d - u-%04d [26/Nov/2026:%02d:%02d:%02d +0000] "GET /v1/models HTTP/1.1" 200 %d\n'
                % (i % 250, i % 200 + 1, i % 40, i // 3600 % 24, i // 60 % 60, i % 60, i))
PY
export AUDITPACK_PROGRESS_AFTER=0
# has_progress FILE WHAT: FILE shows WHAT's progress line and ends with it cleared.
has_progress() {
	python3 - "$1" "$2" <<'PY' || { od -c "$1" | head -20; die "$2: no progress, or not cleared"; }
import re, sys
t = open(sys.argv[1], "rb").read()
what = sys.argv[2].encode()
assert re.search(rb"\r" + what + rb": [0-9.]+ (B|KiB|MiB|GiB)?\s*(/ [0-9.]+ ?\S* \(\d+%\), )?"
                 rb"[0-9.]+ ?\S*/s", t) or \
       re.search(rb"\r" + what + rb": \d+ / \d+ \(\d+%\)", t), t[:200]
last = t.rfind(b"\r" + what + b":")
assert re.search(rb"\r +\r", t[last:]), t[last:]   # cleared before the end
PY
}
expect_exit 0 "collect logs with stderr on a terminal" -- \
	pty "$WORK/tty" "$AP" collect logs --format common --name web "$WORK/access.log"
has_progress "$WORK/tty" collect
python3 - "$WORK/tty" <<'PY' || { cat -A "$WORK/tty" | head -c 600; die "collect's progress line"; }
import re, sys
t = open(sys.argv[1], "rb").read()
assert re.search(rb"\rcollect: [0-9.]+ (KiB|MiB) / [0-9.]+ MiB \(\d+%\), [0-9.]+ (KiB|MiB)/s, \d+ s left", t), t
PY
ok "collect draws its progress in bytes of the total, with rate and time left, and clears it"
expect_out "web: 1 entry, 40000 lines" "the summary is on stdout as before"

printf '10.0.0.1 - u-0001 [26/Nov/2026:23:59:59 +0000] "GET / HTTP/1.1" 200 1\n' >>"$WORK/access.log"
expect_exit 0 "collect -q on a terminal" -- \
	pty "$WORK/tty" "$AP" -q collect logs --format common --name web "$WORK/access.log"
[ ! -s "$WORK/tty" ] || { od -c "$WORK/tty" | head; die "-q printed on the terminal"; }
ok "nothing on the terminal with -q"

expect_exit 0 "collect --json on a terminal" -- \
	pty "$WORK/tty" "$AP" collect logs --json --format common --name webj "$WORK/access.log"
[ ! -s "$WORK/tty" ] || { od -c "$WORK/tty" | head; die "--json drew progress"; }
ok "nothing on the terminal with --json"

expect_exit 0 "verify on a terminal" -- pty "$WORK/tty" "$AP" verify
has_progress "$WORK/tty" verify
ok "verify draws its progress and clears it"
expect_out "^verified: " "verify's result is unchanged"

expect_exit 0 "verify with stderr to a file" -- "$AP" verify
[ ! -s "$WORK/err" ] || { od -c "$WORK/err" | head; die "progress went to a file"; }
ok "nothing on stderr when it is a file"
expect_exit 0 "collect with stderr to a file" -- "$AP" collect logs --format common --name web2 "$WORK/access.log"
[ ! -s "$WORK/err" ] || { od -c "$WORK/err" | head; die "progress went to a file"; }
ok "nothing on stderr when it is a file (collect)"

expect_exit 0 "erase on a terminal" -- pty "$WORK/tty" "$AP" erase --subject u-0007 --reason "request 15"
has_progress "$WORK/tty" erase
ok "erase draws its progress (entries) and clears it"
expect_exit 0 "prune on a terminal" -- pty "$WORK/tty" "$AP" prune --dry-run --before 2000-01-01T00:00:00Z
has_progress "$WORK/tty" prune
ok "prune draws its progress (entries) and clears it"

# pack: entries selected, then bytes written; verify-pack: bytes read.
line_like() { # FILE WHAT: a byte progress line with total, rate and time left
	python3 - "$1" "$2" <<'PY' || { cat -A "$1" | head -c 600; die "$2's progress line"; }
import re, sys
t = open(sys.argv[1], "rb").read()
what = re.escape(sys.argv[2].encode())
assert re.search(rb"\r" + what + rb": [0-9.]+ (B|KiB|MiB) / [0-9.]+ (KiB|MiB) \(\d+%\), "
                 rb"[0-9.]+ (B|KiB|MiB)/s, \d+ s left", t), t
PY
}
expect_exit 0 "pack on a terminal" -- pty "$WORK/tty" "$AP" pack --framework iso27001 -o "$WORK/p.zip"
has_progress "$WORK/tty" pack
line_like "$WORK/tty" pack
ok "pack draws its progress (bytes written of the files' total) and clears it"
expect_out "^wrote .*p.zip: " "pack's summary is on stdout as before"
expect_exit 0 "pack -q on a terminal" -- pty "$WORK/tty" "$AP" -q pack --framework iso27001 -o "$WORK/p.zip"
[ ! -s "$WORK/tty" ] || { od -c "$WORK/tty" | head; die "pack -q printed on the terminal"; }
ok "nothing on the terminal from pack -q"
expect_exit 0 "pack with stderr to a file" -- "$AP" pack --framework iso27001 -o "$WORK/p.zip"
[ ! -s "$WORK/err" ] || { od -c "$WORK/err" | head; die "pack's progress went to a file"; }
ok "nothing on stderr from pack when it is a file"

vkey=$("$AP" key show | awk '$2 == "active" {print $3}')
expect_exit 0 "verify-pack on a terminal" -- pty "$WORK/tty" "$AP" verify-pack "$WORK/p.zip" --vkey "$vkey"
has_progress "$WORK/tty" verify-pack
line_like "$WORK/tty" verify-pack
ok "verify-pack draws its progress (bytes read of the pack's files) and clears it"
expect_out "^verified: " "verify-pack's result is on stdout as before"
expect_exit 0 "verify-pack -q on a terminal" -- pty "$WORK/tty" "$AP" -q verify-pack "$WORK/p.zip" --vkey "$vkey"
[ ! -s "$WORK/tty" ] || { od -c "$WORK/tty" | head; die "verify-pack -q printed on the terminal"; }
ok "nothing on the terminal from verify-pack -q"
expect_exit 0 "verify-pack --json on a terminal" -- pty "$WORK/tty" "$AP" verify-pack --json "$WORK/p.zip" --vkey "$vkey"
[ ! -s "$WORK/tty" ] || { od -c "$WORK/tty" | head; die "verify-pack --json drew progress"; }
python3 -c 'import json, sys; assert json.load(open(sys.argv[1]))["ok"] is True' "$WORK/out" ||
	{ cat "$WORK/out"; die "verify-pack --json output"; }
ok "nothing on the terminal from verify-pack --json, and its JSON is whole"
expect_exit 0 "verify-pack with stderr to a file" -- "$AP" verify-pack "$WORK/p.zip" --vkey "$vkey"
[ ! -s "$WORK/err" ] || { od -c "$WORK/err" | head; die "verify-pack's progress went to a file"; }
ok "nothing on stderr from verify-pack when it is a file"

# An error on a terminal starts on a clean line, after the progress is cleared.
printf 'bad\0\0\0\0line\n' >"$WORK/bin.log"
expect_exit 3 "collect of a binary file on a terminal" -- \
	pty "$WORK/tty" "$AP" collect logs --format common --name bin "$WORK/access.log" "$WORK/bin.log"
python3 - "$WORK/tty" <<'PY' || { od -c "$WORK/tty" | head -30; die "the error is not on a clean line"; }
import re, sys
t = open(sys.argv[1], "rb").read()
assert re.search(rb"(^|\r +\r)auditpack: [^\r]*bin.log:1: not text", t), t[-300:]
PY
ok "an error is printed after the progress line is cleared"
unset AUDITPACK_PROGRESS_AFTER
expect_exit 0 "the store verifies" -- "$AP" verify
echo "$checks checks"

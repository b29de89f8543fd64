# Input that is not text, and lines longer than an entry (issue 10, item 3).
# A 2 GB sparse file of zeros is refused at once (exit 3, file:line named,
# store unchanged) in bounded memory; binary files too, and a configured
# source with one stores nothing in that run.  A 40 MiB line (more than the
# 16 MiB entry bound) is streamed across entries: nothing lost, bounded
# memory, the store verifies and later runs go on.  bench/hugeline.sh does
# the same with a 1 GB line.
. "$TESTS/cli/lib.sh"
"$AP" -q init --origin test.example/huge || die "init"
# peak_kib: the maximum resident set size of the last timed run.
peak_kib() { sed -n 's/.*Maximum resident set size (kbytes): //p' "$WORK/time"; }
# Under make check, AddressSanitizer's quarantine would keep every freed
# block (256 MiB by default): keep it small so the figure is the program's.
timed() {
	ASAN_OPTIONS="${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}quarantine_size_mb=4" \
		/usr/bin/time -v -o "$WORK/time" "$@"
}
LIMIT_KIB=$((100 * 1024))

truncate -s 2G "$WORK/zeros.log"
before=$("$AP" checkpoint)
expect_exit 3 "a 2 GB sparse file of zeros" -- timed "$AP" collect logs --format combined --name zeros "$WORK/zeros.log"
expect_err "zeros\.log:1: not text: 1048576 of the 1048576 bytes read from offset 0 are NUL or control bytes, the first at offset 0" \
	"the error names the file and line and says why"
[ "$(peak_kib)" -lt $LIMIT_KIB ] || die "zeros: peak RSS $(peak_kib) KiB"
ok "refused early, peak RSS $(peak_kib) KiB (< 100 MiB)"
[ "$("$AP" checkpoint)" = "$before" ] && [ -z "$("$AP" list --source zeros)" ] || die "zeros: store changed"
ok "nothing stored, the store unchanged"

cp "$(command -v ls)" "$WORK/ls.log"
expect_exit 3 "a program binary as a log" -- "$AP" collect logs --format syslog --name bin "$WORK/ls.log"
expect_err "ls\.log:1: not text" "a binary is refused, named"
# Text, then binary garbage appended: refused at the line where it starts;
# what came before is not taken either (one run, one transaction).
printf '10.0.0.1 - - [28/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "-"\n%.0s' $(seq 1 3) >"$WORK/mixed.log"
head -c 300000 /dev/zero >>"$WORK/mixed.log"
expect_exit 3 "text then zeros" -- "$AP" collect logs --format combined --name mixed "$WORK/mixed.log"
expect_err "mixed\.log:4: not text" "named at the line where the zeros start"
[ -z "$("$AP" list --source mixed)" ] || die "mixed: something was stored"
ok "nothing stored from it"
# A configured source with a good and a binary file: nothing stored from either.
printf '10.0.0.1 - - [28/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "-"\n' >"$WORK/good.log"
cat >"$AUDITPACK_STORE/auditpack.yaml" <<EOF
origin: test.example/huge
sources:
  - name: web
    type: access-log
    format: combined
    paths: [$WORK/good.log, $WORK/ls.log]
EOF
expect_exit 3 "a configured source with a binary file" -- "$AP" collect web
expect_err "source 'web'.*ls\.log:1: not text" "the source and the file are named"
[ -z "$("$AP" list --source web)" ] && [ "$("$AP" checkpoint)" = "$before" ] || die "web: stored"
ok "nothing stored for the source, the store unchanged"
# A few stray control bytes in a text log are kept (malformed), not refused.
printf 'a line with a stray \001 byte\n10.0.0.1 - - [28/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "-"\n' >"$WORK/stray.log"
expect_exit 0 "a text log with a stray control byte" -- "$AP" collect logs --format combined --name stray "$WORK/stray.log"

# --- a line longer than an entry ---
python3 - "$WORK/long.log" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(3):
        f.write('10.0.0.%d - - [28/Nov/2026:10:00:0%d +0000] "GET /a HTTP/1.1" 200 1 "-" "-"\n' % (i, i))
    # 40 MiB of words with e-mail addresses in it, one line
    word = "carol.white%d@bank.example lorem ipsum dolor sit amet "
    n = 0
    while n < 40 << 20:
        w = word % n
        f.write(w)
        n += len(w)
    f.write("\n")
    f.write('10.0.0.9 - - [28/Nov/2026:10:00:09 +0000] "GET /b HTTP/1.1" 200 1 "-" "-"\n')
PY
expect_exit 0 "a 40 MiB line (keep)" -- timed "$AP" collect logs --format combined --pii keep --name longkeep "$WORK/long.log"
kib_keep=$(peak_kib)
[ "$kib_keep" -lt $LIMIT_KIB ] || die "long line: peak RSS $kib_keep KiB"
ok "peak RSS $kib_keep KiB (< 100 MiB)"
"$AP" list --source longkeep --json >"$WORK/list.json"
python3 - "$AP" "$WORK/list.json" "$WORK/long.log" <<'PY' || die "long line: payloads"
import json, subprocess, sys
ap, lst, src = sys.argv[1:4]
es = json.load(open(lst))
data = b"".join(subprocess.run([ap, "show", str(e["index"]), "--payload"], capture_output=True,
                               check=True).stdout for e in es)
assert data == open(src, "rb").read(), "payloads differ from the file"
assert len(es) >= 3, len(es)
assert all(e["payload_size"] <= (18 << 20) for e in es), [e["payload_size"] for e in es]
a = [e["attrs"] for e in es]
assert sum(x["lines"] for x in a) == 5 and sum(x["malformed"] for x in a) == 1, a
assert a[0].get("ends_inside_line") is True and "ends_inside_line" not in a[-1], a
PY
ok "split into entries of at most 16 MiB + a piece; their payloads are the file, byte for byte; 5 lines, 1 malformed"
expect_exit 0 "the same line, pseudonymised" -- "$AP" collect logs --format combined --name long "$WORK/long.log"
"$AP" list --source long --json | python3 -c '
import json, subprocess, sys, re
for e in json.load(sys.stdin):
    p = subprocess.run([sys.argv[1], "show", str(e["index"]), "--payload"], capture_output=True, check=True).stdout
    assert not re.search(rb"carol\.white\d+@", p), e["index"]' "$AP" || die "long line: an e-mail in clear"
ok "no e-mail of the long line is stored in clear (pieces are cut between words)"
expect_exit 0 "verify" -- "$AP" verify
printf '10.0.0.7 - - [28/Nov/2026:10:01:00 +0000] "GET /c HTTP/1.1" 200 1 "-" "-"\n' >>"$WORK/long.log"
expect_exit 0 "a later run" -- "$AP" collect logs --format combined --pii keep --name longkeep "$WORK/long.log"
"$AP" list --source longkeep --json | python3 -c '
import json, sys
a = json.load(sys.stdin)[-1]["attrs"]
assert a["lines"] == 1 and a["parsed"] == 1, a' || die "later run"
ok "a later run takes the next line"

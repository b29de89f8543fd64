# collect logs --jobs N writes the same entries as --jobs 1, byte for byte
# (payloads and attrs, in order), in every format and PII mode, with
# malformed lines, lines longer than 1 MiB (streamed in pieces), entries
# cut inside a file, and a last line without its newline (issue 15).
. "$TESTS/cli/lib.sh"
"$AP" -q init --origin test.example/jobs || die "init"
python3 - "$WORK" <<'PY'
import random, sys
w = sys.argv[1]
rng = random.Random(15)
users = ["alice", "bob", "carol.smith@example.com", "u-%d", "-", "dave"]
def user():
    u = rng.choice(users)
    return u % rng.randrange(500) if "%" in u else u
def pii():
    return rng.choice(["", " mail=x%d@example.org" % rng.randrange(99),
                       " card=4111 1111 1111 1111", " ip=10.0.%d.%d" % (rng.randrange(256), rng.randrange(256)),
                       " phone=+91 98200 %05d" % rng.randrange(99999), " key=sk_live_%s" % ("a1" * 12),
                       " iban=GB82 WEST 1234 5698 7654 32"])
def line(fmt, i):
    t = 1764400000 + i * 7 + rng.randrange(5)
    if fmt in ("combined", "common"):
        s = '10.1.%d.%d - %s [28/Nov/2026:%02d:%02d:%02d +0530] "GET /v1/m?q=%s HTTP/1.1" %d %d' % (
            i % 256, i % 200, user(), i // 3600 % 24, i // 60 % 60, i % 60, pii().strip().replace(" ", "+"),
            rng.choice([200, 200, 401, 403, 500]), rng.randrange(9999))
        return s + (' "-" "curl/8%s"' % pii() if fmt == "combined" else "")
    if fmt == "jsonl":
        return '{"ts": %d, "user": "%s", "model": "m%d", "status": %d, "msg": "hello%s"}' % (
            t, user(), i % 7, rng.choice([200, 429]), pii())
    if fmt == "auditd":
        return ("type=USER_AUTH msg=audit(%d.100:%d): pid=1 uid=0 msg='op=PAM:authentication acct=\"%s\" "
                "exe=\"/usr/sbin/sshd\" addr=10.9.%d.9 res=%s'%s") % (t, 500 + i // 2, user(), i % 256,
                rng.choice(["failed", "success"]), pii())
    return "Nov 28 %02d:%02d:%02d host sshd[%d]: Failed password for %s from 10.2.3.%d port 22 ssh2%s" % (
        i // 3600 % 24, i // 60 % 60, i % 60, i, user(), i % 256, pii())
for fmt in ("combined", "common", "jsonl", "auditd", "syslog"):
    with open("%s/%s.log" % (w, fmt), "w") as f:
        for i in range(6000):
            r = rng.random()
            if r < 0.03:
                f.write("malformed line %d%s\n" % (i, pii()))
            elif i == 2000:
                # 2.5 MiB in one line, PII inside: streamed in pieces
                f.write(line(fmt, i) + (" x@example.com 10.0.0.1" * 120000) + "\n")
            elif i == 4000:
                f.write(line(fmt, i) + ("A" * 900000) + "\n")   # long, not overlong
            else:
                f.write(line(fmt, i) + "\n")
        f.write(line(fmt, 6000))   # no newline: taken only with --complete
PY
# compare SOURCE_A SOURCE_B: same number of entries, attrs and payloads equal.
compare() {
	"$AP" list --source "$1" --json >"$WORK/a.json" && "$AP" list --source "$2" --json >"$WORK/b.json" ||
		die "list $1 $2"
	python3 - "$WORK/a.json" "$WORK/b.json" <<'PY' || die "attrs of $1 and $2 differ"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
assert len(a) == len(b) and len(a) > 1, (len(a), len(b))
for x, y in zip(a, b):
    assert x["attrs"] == y["attrs"], (x["attrs"], y["attrs"])
PY
	local ia ib
	ia=($(db "SELECT idx FROM entries WHERE source = '$1' ORDER BY idx"))
	ib=($(db "SELECT idx FROM entries WHERE source = '$2' ORDER BY idx"))
	[ "${#ia[@]}" = "${#ib[@]}" ] || die "$1 and $2: ${#ia[@]} and ${#ib[@]} entries"
	for k in "${!ia[@]}"; do
		"$AP" show --payload "${ia[$k]}" >"$WORK/pa" && "$AP" show --payload "${ib[$k]}" >"$WORK/pb" ||
			die "show"
		cmp -s "$WORK/pa" "$WORK/pb" || die "$1 and $2: payloads of entries ${ia[$k]} and ${ib[$k]} differ"
	done
	echo "${#ia[@]}"
}
export AUDITPACK_LOG_ENTRY_BYTES=60000
for fmt in combined common jsonl auditd syslog; do
	fields=()
	[ "$fmt" = jsonl ] && fields=(--field time=ts --field user=user --field model=model --field status=status)
	for pii in pseudonymise redact keep; do
		for j in 1 2 3; do
			"$AP" -q collect logs --complete --jobs "$j" --format "$fmt" "${fields[@]}" --pii "$pii" \
				--name "$fmt-$pii-$j" "$WORK/$fmt.log" || die "$fmt $pii --jobs $j"
		done
		n=$(compare "$fmt-$pii-1" "$fmt-$pii-2") || exit 1
		compare "$fmt-$pii-1" "$fmt-$pii-3" >/dev/null || exit 1
		ok "$fmt, pii $pii: --jobs 2 and 3 wrote the same $n entries as --jobs 1, attrs and payloads"
	done
done
"$AP" list --source combined-pseudonymise-2 --json | python3 -c '
import json, sys
v = [e["attrs"] for e in json.load(sys.stdin)]
assert sum(a["lines"] for a in v) == 6001, sum(a["lines"] for a in v)
assert sum(a["malformed"] for a in v) > 100 and any(a.get("ends_inside_line") for a in v), v
assert max(a["users"] for a in v) > 10 and sum(a["pii"]["email"] for a in v) > 100000, v' ||
	die "the compared entries are not the ones meant"
ok "they hold all 6001 lines, malformed ones, a line cut across entries, users and PII counts"

# Without --complete the unfinished last line waits, with any --jobs; the
# next run of each takes the same rest.
for j in 1 2; do
	"$AP" -q collect logs --jobs "$j" --format syslog --name "part-$j" "$WORK/syslog.log" || die "part $j"
done
printf ' and the rest\nNov 28 23:59:59 host sshd[1]: Failed password for zed from 10.2.3.4 port 22 ssh2\n' >>"$WORK/syslog.log"
for j in 1 2; do
	"$AP" -q collect logs --jobs "$j" --format syslog --name "part-$j" "$WORK/syslog.log" || die "part $j again"
done
n=$(compare part-1 part-2) || exit 1
ok "an unfinished last line waits and is taken on the next run alike with --jobs 1 and 2 ($n entries)"

# Configured sources: collect --jobs N [SOURCE...] (and --jobs=N).
cat >>"$AUDITPACK_STORE/auditpack.yaml" <<YAML
sources:
  - name: cfg1
    type: access-log
    format: jsonl
    paths: [$WORK/jsonl.log]
    fields: {time: ts, user: user, model: model, status: status}
  - name: cfg2
    type: access-log
    format: jsonl
    paths: [$WORK/jsonl.log]
    fields: {time: ts, user: user, model: model, status: status}
YAML
expect_exit 0 "collect --jobs 1 cfg1" -- "$AP" collect --jobs 1 cfg1
expect_exit 0 "collect --jobs=2 cfg2" -- "$AP" collect --jobs=2 cfg2
n=$(compare cfg1 cfg2) || exit 1
ok "configured sources: --jobs 1 and --jobs=2 wrote the same $n entries"
expect_exit 2 "collect --jobs 0" -- "$AP" collect --jobs 0 cfg1
expect_err "--jobs takes a number" "says what --jobs takes"

unset AUDITPACK_LOG_ENTRY_BYTES
# Binary bytes after 2 MiB of good lines: the workers have lines in hand
# when the reader finds them; the error is the same as one thread's.
for k in 1 2 3 4 5; do head -n 1999 "$WORK/common.log"; done >"$WORK/bin.log"
{ head -c 100000 /dev/zero; echo; } >>"$WORK/bin.log"
expect_exit 3 "binary bytes with --jobs 1" -- "$AP" collect logs --jobs 1 --format common --name bin "$WORK/bin.log"
mv "$WORK/err" "$WORK/err1"
expect_exit 3 "binary bytes with --jobs 2" -- "$AP" collect logs --jobs 2 --format common --name bin "$WORK/bin.log"
expect_err "bin.log:[0-9]+: not text" "names file:line"
cmp -s "$WORK/err" "$WORK/err1" || { cat "$WORK/err" "$WORK/err1"; die "messages differ"; }
ok "the same message as --jobs 1: $(cut -c1-60 "$WORK/err")"
[ "$(db "SELECT count(*) FROM entries WHERE source = 'bin'")" = 0 ] || die "entries of a failed run"
ok "nothing was taken from the failed run"
expect_exit 2 "--jobs 0" -- "$AP" collect logs --jobs 0 --format common --name z "$WORK/common.log"
expect_exit 2 "--jobs x" -- "$AP" collect logs --jobs x --format common --name z "$WORK/common.log"
expect_exit 0 "the store verifies" -- "$AP" verify
echo "$checks checks"

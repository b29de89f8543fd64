# pack deflates every file on worker threads (libdeflate, whole files) and
# streams payloads over PACK_DEFLATE_MAX (24 MiB) through libzip: either way
# the zip is a standard one (unzip, Python's zipfile), each payload comes
# out as collected, the pack is reproducible, and a payload that does not
# match the store's digest stops the pack (issue 15).
. "$TESTS/cli/lib.sh"
export AUDITPACK_NOW=2026-11-27T06:00:00Z
"$AP" -q init --origin test.example/deflate
db() { sqlite3 "$AUDITPACK_STORE/evidence.db" "$@"; }
mkdir -p "$WORK/docs"
for i in 1 2 3; do printf 'policy document %d\n' "$i" >"$WORK/docs/p$i.md"; done
: >"$WORK/docs/empty.md"
head -c 300000 /dev/urandom >"$WORK/docs/random.bin"
# 26 MiB of text: over PACK_DEFLATE_MAX, so it streams.
python3 -c '
import random, sys
r = random.Random(7)
out, n = [], 0
while n < 26 * 1048576:
    line = "10.0.%d.%d - - [27/Nov/2026:06:00:%02d +0000] \"GET /v1/models/%d HTTP/1.1\" 200 %d\n" % (
        r.randrange(256), r.randrange(256), r.randrange(60), r.randrange(10**6), r.randrange(10**5))
    out.append(line)
    n += len(line)
sys.stdout.write("".join(out))' >"$WORK/docs/big.log"
"$AP" -q collect file --type policy "$WORK"/docs/* || die "collect"
"$AP" -q pack --framework iso27001 -o "$WORK/a.zip" || die "pack"
unzip -tq "$WORK/a.zip" >/dev/null || die "unzip -t fails on the pack"
python3 - "$WORK/a.zip" <<'PY' || die "Python's zipfile does not read the pack"
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None
assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in z.infolist())
PY
ok "the pack is a standard zip (unzip -t, Python's zipfile), every file deflated"
n=0
for f in "$WORK"/docs/*; do
	idx=$("$AP" list --json | python3 -c '
import json, sys
for e in json.load(sys.stdin):
    if e["attrs"].get("name") == sys.argv[1]:
        print(e["index"])' "$(basename "$f")")
	[ -n "$idx" ] || die "no entry for $f"
	unzip -p "$WORK/a.zip" "evidence/$idx.payload" | cmp - "$f" || die "evidence/$idx.payload is not $f"
	n=$((n + 1))
done
ok "each of the $n payloads (empty, text, random, 26 MiB streamed) comes out as collected"
vkey=$("$AP" key show | awk '$2 == "active" {print $3}')
expect_exit 0 "verify-pack" -- "$AP" verify-pack "$WORK/a.zip" --vkey "$vkey"
"$AP" -q pack --framework iso27001 -o "$WORK/b.zip" || die "pack again"
cmp "$WORK/a.zip" "$WORK/b.zip" || die "two packs of the same store differ"
ok "two packs of the same store are byte-for-byte identical"

# A plain payload (random bytes are stored as they are) changed in place,
# same length: the worker that deflates it sees the digest differ.
idx=$("$AP" list --json | python3 -c '
import json, sys
print([e["index"] for e in json.load(sys.stdin) if e["attrs"].get("name") == "random.bin"][0])')
[ "$(db "SELECT encoding FROM payloads p JOIN entries e ON p.id = e.payload_id WHERE e.idx = $idx")" = 0 ] ||
	die "random bytes should be stored plain"
db "UPDATE payloads SET data = X'00' || substr(data, 2) WHERE id = (SELECT payload_id FROM entries WHERE idx = $idx)"
expect_exit 1 "pack of a store whose plain payload was changed (a store that fails verification)" -- "$AP" pack --framework iso27001 -o "$WORK/t.zip"
expect_err "entry $idx: its payload does not match its digest in the store" "names the entry"
[ ! -e "$WORK/t.zip" ] && [ ! -e "$WORK/t.zip.tmp" ] || die "a pack was left behind"
ok "and leaves no pack behind"

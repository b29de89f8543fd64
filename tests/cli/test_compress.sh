# Payloads are stored compressed (zstd) when that saves space; everything
# that commits to them is over the bytes as collected (issue 15, item 2).
# A store of the previous release (schema 1, payloads as they are) opens,
# verifies and packs, and a writer upgrades it to schema 2.
. "$TESTS/cli/lib.sh"
export AUDITPACK_NOW=2026-11-29T12:00:00Z
"$AP" -q init --origin test.example/compress || die "init"

# A very compressible combined log: 20 000 lines, one user.
python3 - "$WORK/access.log" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(20000):
        f.write('10.1.0.1 - - [29/Nov/2026:10:%02d:%02d +0000] "GET /v1/models HTTP/1.1" 200 512 "-" "cli/1"\n'
                % (i // 60 % 60, i % 60))
PY
"$AP" -q collect logs --format combined --name web "$WORK/access.log" || die "collect"
raw=$(stat -c %s "$WORK/access.log")
"$AP" -q verify || die "verify"
# Copy the write-ahead log in, so evidence.db holds everything.
db "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
stored=$(stat -c %s "$AUDITPACK_STORE/evidence.db")
[ "$stored" -lt $((raw / 4)) ] || die "evidence.db is $stored bytes for a $raw-byte log"
ok "evidence.db ($stored bytes) is under a quarter of the highly compressible log ($raw bytes)"
[ "$(db "SELECT encoding FROM payloads p JOIN entries e ON p.id = e.payload_id WHERE e.idx = 0")" = 1 ] ||
	die "entry 0's payload should be stored with encoding 1 (zstd)"
[ "$(db "SELECT length(data) < $((raw / 10)) FROM payloads p JOIN entries e ON p.id = e.payload_id WHERE e.idx = 0")" = 1 ] ||
	die "entry 0's payload is not compressed"
ok "the log's payload is stored compressed (encoding 1)"

# show --payload, list and the pack give the bytes as collected.
"$AP" show 0 --payload >"$WORK/p0" || die "show --payload"
[ "$(wc -l <"$WORK/p0")" = 20000 ] || die "show --payload does not give the 20 000 lines"
size=$("$AP" show 0 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["payload_size"])')
[ "$(stat -c %s "$WORK/p0")" = "$size" ] || die "show --payload gives $(stat -c %s "$WORK/p0") bytes, the leaf says $size"
"$AP" -q pack --framework iso27001 -o "$WORK/a.zip" || die "pack"
vkey=$("$AP" key show | awk '$2 == "active" {print $3}')
expect_exit 0 "verify-pack of a pack from a compressed store" -- "$AP" verify-pack "$WORK/a.zip" --vkey "$vkey"
unzip -p "$WORK/a.zip" evidence/0.payload | cmp - "$WORK/p0" || die "the pack's payload is not the bytes as collected"
ok "show --payload and the pack give the bytes as collected (the leaf's size, verify-pack passes)"
"$AP" -q pack --framework iso27001 -o "$WORK/b.zip" || die "pack again"
cmp "$WORK/a.zip" "$WORK/b.zip" || die "two packs of the same store differ"
ok "the pack of a compressed store is reproducible byte for byte"

# One changed byte of the compressed bytes: verify says which entry; pack
# refuses (it hashes while it writes) and leaves no pack behind.
cp -r "$AUDITPACK_STORE" "$WORK/pristine"
db "UPDATE payloads SET data = substr(data, 1, 99) || CASE WHEN substr(data, 100, 1) = X'41' THEN X'42' ELSE X'41' END || substr(data, 101) WHERE id = (SELECT payload_id FROM entries WHERE idx = 0)"
expect_exit 1 "verify a store with one changed byte in a compressed payload" -- "$AP" verify
expect_err "entry 0: payload does not match its commitment" "names the entry"
rm -f "$WORK/t.zip"
"$AP" -q pack --framework iso27001 -o "$WORK/t.zip" >"$WORK/out" 2>"$WORK/err" && die "pack of a tampered store succeeded"
[ ! -e "$WORK/t.zip" ] && [ ! -e "$WORK/t.zip.tmp" ] || die "a pack was left behind"
grep -q "entry 0" "$WORK/err" || { cat "$WORK/err"; die "pack does not name entry 0"; }
ok "pack refuses a payload whose bytes do not match the store's digest, names the entry, leaves no pack"
# A compressed payload cut short.
rm -rf "$AUDITPACK_STORE" && cp -r "$WORK/pristine" "$AUDITPACK_STORE"
db "UPDATE payloads SET data = substr(data, 1, length(data) - 7) WHERE id = (SELECT payload_id FROM entries WHERE idx = 0)"
expect_exit 1 "verify a store with a compressed payload cut short" -- "$AP" verify
expect_err "entry 0: payload does not match its commitment" "names the entry"
expect_exit 3 "show --payload of a damaged compressed payload" -- "$AP" show 0 --payload
expect_err "entry 0: compressed payload is damaged" "says so"
# Bytes after the end of the frame.
rm -rf "$AUDITPACK_STORE" && cp -r "$WORK/pristine" "$AUDITPACK_STORE"
db "UPDATE payloads SET data = data || X'0a' WHERE id = (SELECT payload_id FROM entries WHERE idx = 0)"
expect_exit 1 "verify a store with a byte after a compressed payload's end" -- "$AP" verify
expect_err "entry 0: payload does not match its commitment" "names the entry"
# An encoding this release does not know.
rm -rf "$AUDITPACK_STORE" && cp -r "$WORK/pristine" "$AUDITPACK_STORE"
db "UPDATE payloads SET encoding = 7 WHERE id = (SELECT payload_id FROM entries WHERE idx = 0)"
expect_exit 1 "verify a store with an unknown payload encoding" -- "$AP" verify
expect_err "entry 0: .*unknown encoding 7" "names the entry and the encoding"
rm -rf "$AUDITPACK_STORE" && mv "$WORK/pristine" "$AUDITPACK_STORE"

# Incompressible data is stored as it is.
head -c 200000 /dev/urandom >"$WORK/random.bin"
"$AP" -q collect file --type policy "$WORK/random.bin" || die "collect random"
[ "$(db "SELECT encoding, length(data) FROM payloads p JOIN entries e ON p.id = e.payload_id WHERE e.idx = 1")" = "0|200000" ] ||
	die "random bytes should be stored as they are"
"$AP" show 1 --payload | cmp - "$WORK/random.bin" || die "show --payload of a plain payload"
ok "incompressible payloads are stored as they are (encoding 0)"

# A payload over 16 MiB streams through libzip; smaller ones are deflated
# ahead on every core.  Both in one pack, both as collected.
python3 -c 'import sys; sys.stdout.write("".join("line %d of a large document\n" % i for i in range(700000)))' >"$WORK/large.txt"
[ "$(stat -c %s "$WORK/large.txt")" -gt $((16 << 20)) ] || die "large.txt should be over 16 MiB"
"$AP" -q collect file --type policy "$WORK/large.txt" || die "collect large"
"$AP" -q pack --framework iso27001 -o "$WORK/large.zip" || die "pack with a large payload"
vkey=$("$AP" key show | awk '$2 == "active" {print $3}')
expect_exit 0 "verify-pack of a pack with payloads over and under 16 MiB" -- \
	"$AP" verify-pack "$WORK/large.zip" --vkey "$vkey"
unzip -tq "$WORK/large.zip" >/dev/null || die "unzip -t of the pack"
unzip -p "$WORK/large.zip" evidence/2.payload | cmp - "$WORK/large.txt" || die "the large payload differs"
unzip -p "$WORK/large.zip" evidence/1.payload | cmp - "$WORK/random.bin" || die "the random payload differs"
unzip -p "$WORK/large.zip" evidence/0.payload | cmp - "$WORK/p0" || die "the log payload differs"
ok "payloads over and under 16 MiB come out of the pack as collected (unzip -t, verify-pack)"

# The previous release's store (schema 1: no encoding column).
export AUDITPACK_STORE="$WORK/store-0.1.0"
"$AP" -q init --origin test.example/release-0.1.0 || die "init for the 0.1.0 store"
rm -f "$AUDITPACK_STORE/evidence.db"*
sqlite3 "$AUDITPACK_STORE/evidence.db" <"$TESTS/data/store-0.1.0/evidence.sql" || die "load the 0.1.0 store"
cp "$TESTS/data/store-0.1.0/keys/"* "$AUDITPACK_STORE/keys/"
cp "$TESTS/data/store-0.1.0/auditpack.yaml" "$AUDITPACK_STORE/"
chmod 0600 "$AUDITPACK_STORE/keys/"* "$AUDITPACK_STORE/auditpack.yaml"
expect_exit 0 "verify the 0.1.0 store" -- "$AP" verify
expect_exit 0 "show --payload of the 0.1.0 store" -- "$AP" show 0 --payload
expect_out "^an access policy$" "gives the payload"
expect_exit 0 "pack the 0.1.0 store" -- "$AP" pack --framework iso27001 -o "$WORK/old.zip"
vkey=$("$AP" key show | awk '$2 == "active" {print $3}')
expect_exit 0 "verify-pack the 0.1.0 store's pack" -- "$AP" verify-pack "$WORK/old.zip" --vkey "$vkey"
[ "$(db "PRAGMA user_version")" = 1 ] || die "a reader changed the schema version"
ok "readers leave the 0.1.0 store at schema version 1"
# A writer upgrades it; old payloads stay as they are, new ones compress.
"$AP" -q collect logs --format combined --name web "$WORK/access.log" || die "collect into the 0.1.0 store"
[ "$(db "PRAGMA user_version")" = 2 ] || die "the writer did not upgrade the schema"
[ "$(db "SELECT group_concat(encoding) FROM (SELECT p.encoding FROM entries e JOIN payloads p ON p.id = e.payload_id ORDER BY e.idx)")" = "0,0,0,1" ] ||
	die "encodings after the upgrade: $(db "SELECT group_concat(encoding) FROM payloads")"
expect_exit 0 "verify after the upgrade" -- "$AP" verify
expect_exit 0 "pack after the upgrade" -- "$AP" pack --framework iso27001 -o "$WORK/new.zip"
expect_exit 0 "verify-pack after the upgrade" -- "$AP" verify-pack "$WORK/new.zip" --vkey "$vkey"
ok "a writer upgrades the 0.1.0 store to schema 2: old payloads as they were, new ones compressed"
# A store from a later release is refused, not misread.
db "PRAGMA user_version=3"
expect_exit 3 "a store of schema version 3" -- "$AP" verify
expect_err "schema version 3; this auditpack reads versions 1 to 2" "says which versions it reads"
echo "test_compress: $checks checks passed"

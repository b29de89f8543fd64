# verify-pack reads files of up to 24 MiB whole (as stored, then inflated
# and CRC-checked by libdeflate) and larger ones as a stream, through its
# own buffered reader of the pack file (issue 15): stored and deflated
# files both verify, damage in the deflate data or the CRC is named, and a
# pack that is not a file is an error (exit 3), not a verdict.
. "$TESTS/cli/lib.sh"
export AUDITPACK_NOW=2026-11-27T06:00:00Z
"$AP" -q init --origin test.example/read
mkdir -p "$WORK/docs"
for i in 1 2 3; do printf 'policy document %d\n' "$i" >"$WORK/docs/p$i.md"; done
head -c 100000 /dev/urandom | base64 >"$WORK/docs/text.txt"
"$AP" -q collect file --type policy "$WORK"/docs/* || die "collect"
"$AP" -q pack --framework iso27001 -o "$WORK/good.zip" || die "pack"
vkey=$("$AP" key show | awk '$2 == "active" {print $3}')
expect_exit 0 "the pack verifies" -- "$AP" verify-pack "$WORK/good.zip" --vkey "$vkey"

# The same files, stored (method 0) instead of deflated: the same pack.
python3 - "$WORK/good.zip" "$WORK/stored.zip" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as a, zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_STORED) as b:
    for i in a.infolist():
        b.writestr(i.filename, a.read(i.filename))
PY
expect_exit 0 "a pack of stored files verifies" -- "$AP" verify-pack "$WORK/stored.zip" --vkey "$vkey"
expect_out "^verified: " "and says so"

# patch NAME HOW: a copy of the good pack with NAME's compressed bytes or
# CRC changed in place (local and central headers agree).
patch() {
	python3 - "$WORK/good.zip" "$WORK/bad.zip" "$1" "$2" <<'PY'
import struct, sys, zipfile
src, dst, name, how = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
b = bytearray(open(src, "rb").read())
info = zipfile.ZipFile(src).getinfo(name)
off = info.header_offset
n, e = struct.unpack_from("<HH", b, off + 26)
data = off + 30 + n + e
if how == "data":        # the middle of the deflate stream
    for k in range(info.compress_size // 2, info.compress_size // 2 + 8):
        b[data + k] ^= 0x5a
else:                    # the CRC, in both headers
    crc = info.CRC ^ 1
    struct.pack_into("<I", b, off + 14, crc)
    i = 0
    while (i := b.find(b"PK\x01\x02", i)) >= 0:
        nl = struct.unpack_from("<H", b, i + 28)[0]
        if bytes(b[i + 46:i + 46 + nl]) == name.encode():
            struct.pack_into("<I", b, i + 16, crc)
        i += 4
open(dst, "wb").write(b)
PY
}
idx=$("$AP" list --json | python3 -c '
import json, sys
print([e["index"] for e in json.load(sys.stdin) if e["attrs"].get("name") == "text.txt"][0])')
patch "evidence/$idx.payload" data
expect_exit 1 "a payload with damaged deflate data" -- "$AP" verify-pack "$WORK/bad.zip" --vkey "$vkey"
expect_err "(cannot read 'evidence/$idx.payload' in the pack: (damaged deflate data|CRC error)|'evidence/$idx.payload' in the pack does not decompress to its stated size)" "the damage is named"
expect_err "entry $idx: payload does not match its commitment" "and the entry fails"
patch "evidence/$idx.payload" crc
expect_exit 1 "a payload whose CRC-32 is not its bytes'" -- "$AP" verify-pack "$WORK/bad.zip" --vkey "$vkey"
expect_err "cannot read 'evidence/$idx.payload' in the pack: CRC error" "the CRC error is named"
patch "reports/summary.html" crc
expect_exit 1 "a report whose CRC-32 is wrong" -- "$AP" verify-pack "$WORK/bad.zip" --vkey "$vkey"
expect_err "cannot read 'reports/summary.html' in the pack: CRC error" "named"

# Not a pack file at all: an error, exit 3.
expect_exit 3 "verify-pack of a missing file" -- "$AP" verify-pack "$WORK/none.zip" --vkey "$vkey"
expect_err "auditpack: cannot open pack '.*none.zip': No such file or directory" "says why"
expect_exit 3 "verify-pack of a directory" -- "$AP" verify-pack "$WORK/docs" --vkey "$vkey"
expect_err "cannot open pack '.*docs': not a regular file" "says why"
printf 'not a zip\n' >"$WORK/text.zip"
expect_exit 3 "verify-pack of a text file" -- "$AP" verify-pack "$WORK/text.zip" --vkey "$vkey"
expect_err "cannot open pack '.*text.zip' \(libzip error [0-9]+: not a zip, or damaged\)" "says why"
head -c 3000 "$WORK/good.zip" >"$WORK/cut.zip"
expect_exit 3 "verify-pack of a pack cut short" -- "$AP" verify-pack "$WORK/cut.zip" --vkey "$vkey"
expect_err "cannot open pack '.*cut.zip'" "says why"
echo "$checks checks"

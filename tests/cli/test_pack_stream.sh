# verify-pack in bounded memory whatever the pack declares: every file is
# streamed through SHA-256, names go into a hash set, and what must be
# parsed has a cap (issue 10, item 5).  The 1 GiB-entry and 200 000-file
# measurements are in bench/pack_verify.sh.
. "$TESTS/cli/lib.sh"
export AUDITPACK_NOW=2026-11-27T06:00:00Z
"$AP" -q init --origin test.example/stream
mkdir -p "$WORK/docs"
for i in 1 2 3; do printf 'policy document %d\n' "$i" >"$WORK/docs/p$i.md"; done
"$AP" -q collect file --type policy "$WORK"/docs/p*.md
"$AP" -q pack --framework iso27001 --at 2026-11-27T06:00:00Z -o "$WORK/good.zip"
vkey=$("$AP" key show | awk '$2 == "active" {print $3}')
expect_exit 0 "the pack verifies" -- "$AP" verify-pack "$WORK/good.zip" --vkey "$vkey"

# Peak resident memory of one verify-pack run, in KiB, from GNU time.
TIME=/usr/bin/time
[ -x "$TIME" ] || die "GNU time is needed (Debian package 'time')"
peak_kib() { # ZIP: runs verify-pack, keeps stderr in $WORK/err, prints max RSS
	"$TIME" -f 'MAXRSS %M' "$AP" verify-pack "$1" --vkey "$vkey" >"$WORK/out" 2>"$WORK/err"
	echo $? >"$WORK/rc"
	sed -n 's/^MAXRSS //p' "$WORK/err"
}
# Sanitizer builds reserve shadow memory: the bound is for the real binary.
sanitized=false
grep -q __asan_init "$AP" && sanitized=true

# A copy of the good pack with one file's bytes replaced (the manifest
# still names the old digest).
python3 - "$WORK/good.zip" "$WORK/big.zip" <<'PY'
import os, sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(src) as a, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as b:
    for name in a.namelist():
        if name != "evidence/0.payload":
            b.writestr(name, a.read(name))
            continue
        # 128 MiB that deflates about 70:1 (under the bomb ratio): 40 random
        # bytes in each 4 KiB
        zi = zipfile.ZipInfo(name)
        zi.compress_type = zipfile.ZIP_DEFLATED
        with b.open(zi, "w", force_zip64=True) as f:
            for _ in range(128):
                f.write(b"".join(os.urandom(40) + bytes(4056) for _ in range(256)))
PY
kib=$(peak_kib "$WORK/big.zip")
[ "$(cat "$WORK/rc")" = 1 ] || { cat "$WORK/err"; die "a 128 MiB payload that is not the signed one: exit $(cat "$WORK/rc")"; }
expect_err "evidence/0.payload does not match its digest in the manifest" "a changed 128 MiB payload is named"
expect_err "entry 0: payload does not match its commitment" "and its commitment fails"
if ! $sanitized; then
	[ "$kib" -lt 102400 ] || die "verify-pack of a 128 MiB entry peaked at $kib KiB"
	ok "verify-pack streamed the 128 MiB entry in $((kib / 1024)) MiB peak memory (under 100 MiB)"
fi

# Declared sizes that lie, patched into the local and central headers.
patch_size() { # IN OUT NAME SIZE: declare NAME as SIZE bytes uncompressed
	python3 - "$@" <<'PY'
import struct, sys
src, dst, name, size = sys.argv[1], sys.argv[2], sys.argv[3].encode(), int(sys.argv[4])
b = bytearray(open(src, "rb").read())
def patch(sig, off_size, off_nlen, hdr):
    i = 0
    while (i := b.find(sig, i)) >= 0:
        n = struct.unpack_from("<H", b, i + off_nlen)[0]
        if bytes(b[i + hdr:i + hdr + n]) == name:
            struct.pack_into("<I", b, i + off_size, size)
            return
        i += 4
    raise SystemExit("no " + name.decode())
patch(b"PK\x03\x04", 22, 26, 30)
patch(b"PK\x01\x02", 24, 28, 46)
open(dst, "wb").write(b)
PY
}
patch_size "$WORK/good.zip" "$WORK/huge.zip" evidence/1.payload 4294967040
kib=$(peak_kib "$WORK/huge.zip")
[ "$(cat "$WORK/rc")" = 1 ] || { cat "$WORK/err"; die "a 4 GiB declared size: exit $(cat "$WORK/rc")"; }
expect_err "'evidence/1.payload' claims 4294967040 bytes .*not read" "an entry declaring 4 GiB is refused unread"
$sanitized || { [ "$kib" -lt 102400 ] || die "peaked at $kib KiB"; ok "in $((kib / 1024)) MiB"; }
size=$(unzip -Zl "$WORK/good.zip" checkpoint | awk '$NF == "checkpoint" {print $4}')
for lie in $((size - 5)) $((size + 5)); do
	patch_size "$WORK/good.zip" "$WORK/lie.zip" checkpoint "$lie"
	expect_exit 1 "the checkpoint declared as $lie bytes (it has $size)" -- "$AP" verify-pack "$WORK/lie.zip" --vkey "$vkey"
	grep -Eq "'checkpoint' in the pack does not decompress to its stated size|cannot read 'checkpoint'" "$WORK/err" ||
		{ cat "$WORK/err"; die "the lie is not named"; }
	ok "named: $(grep -m1 checkpoint "$WORK/err")"
done

# What must be parsed has a cap: a leaf of 2 MiB is refused unread.
python3 - "$WORK/good.zip" "$WORK/leaf.zip" <<'PY'
import base64, os, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as a, zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED) as b:
    for name in a.namelist():
        data = a.read(name)
        if name == "evidence/2.leaf":
            data = base64.b64encode(os.urandom(3 << 19))  # 2 MiB of text
        b.writestr(name, data)
PY
expect_exit 1 "a 2 MiB leaf" -- "$AP" verify-pack "$WORK/leaf.zip" --vkey "$vkey"
expect_err "evidence/2.leaf is 2097152 bytes, over the 1048576-byte limit for a leaf; not read" "is refused by its cap, named"

# A name twice: found (by the hash set), named, and a verdict, not "damaged".
python3 - "$WORK/good.zip" "$WORK/dup.zip" <<'PY'
import shutil, sys, warnings, zipfile
shutil.copy(sys.argv[1], sys.argv[2])
warnings.simplefilter("ignore")  # zipfile warns about the duplicate name
with zipfile.ZipFile(sys.argv[2], "a") as z:
    z.writestr("evidence/1.payload", b"a second payload under the same name\n")
PY
expect_exit 1 "a pack naming evidence/1.payload twice" -- "$AP" verify-pack "$WORK/dup.zip" --vkey "$vkey"
expect_err "'evidence/1.payload' appears twice in the pack" "the duplicate is named"

# Many files: every one found in the set (names added, the manifest intact).
python3 - "$WORK/good.zip" "$WORK/many.zip" <<'PY'
import shutil, sys, zipfile
shutil.copy(sys.argv[1], sys.argv[2])
with zipfile.ZipFile(sys.argv[2], "a") as z:
    for i in range(20000):
        z.writestr("extra/%05d" % i, b"")
PY
expect_exit 1 "a pack with 20 000 files the manifest does not list" -- "$AP" verify-pack "$WORK/many.zip" --vkey "$vkey"
expect_err "extra/00000 is in the pack but not in the manifest \(added\)" "the first is named"
expect_err "more problems? not listed" "the rest are counted, not printed one by one"
expect_err "FAILED: 20000 problems" "and all 20 000 are counted"
echo "$checks checks"

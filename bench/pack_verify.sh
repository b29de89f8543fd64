#!/bin/bash
# verify-pack on hostile and huge packs: peak memory (GNU time) and time.
#   1. 1 GiB entries of zeros (a ~38 MB zip): refused unread as bombs
#   2. a 1 GiB payload that deflates ~70:1 (under the bomb ratio): streamed
#   3. 200 000 files, all listed in a manifest signed with the store's key
# Usage: bench/pack_verify.sh [AUDITPACK] [FILES]   (FILES default 200000)
set -eu
. "$(dirname "$0")/lib.sh"
files=${2:-200000}
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "GNU time is needed (apt-get install time)" >&2; exit 1; }
w="$out/pack-verify"
rm -rf "$w"
mkdir -p "$w/docs"
export AUDITPACK_STORE="$w/store" AUDITPACK_NOW=2026-11-27T06:00:00Z
"$AP" -q init --origin bench.example/verify
for i in 1 2 3; do printf 'policy document %d\n' "$i" >"$w/docs/p$i.md"; done
"$AP" -q collect file --type policy "$w"/docs/p*.md
"$AP" -q pack --framework iso27001 -o "$w/good.zip"
vkey=$("$AP" key show | awk '$2 == "active" {print $3}')
key=$(ls "$AUDITPACK_STORE"/keys/*.key)

# run NAME ZIP: verify-pack under GNU time; prints exit, seconds, peak MiB
run() {
	local rc
	set +e
	"$TIME" -f '%e %M' -o "$w/time" "$AP" verify-pack "$2" --vkey "$vkey" >"$w/out" 2>"$w/err"
	rc=$?
	set -e
	read -r s kib < <(tail -n 1 "$w/time")
	printf '  %-44s exit %d  %7.2f s  %6d MiB peak  (%s)\n' "$1" "$rc" "$s" $((kib / 1024)) \
		"$(grep -m1 -v 'no key pinned' "$w/err" | sed 's/^auditpack: verify-pack: //' | cut -c1-70)"
}

python3 - "$w/good.zip" "$w" "$files" "$key" <<'PY'
import base64, hashlib, json, os, subprocess, sys, zipfile
good, w, nfiles, key = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
src = zipfile.ZipFile(good)
files = [(i.filename, src.read(i.filename)) for i in src.infolist()]
def info(name):
    zi = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))
    zi.compress_type = zipfile.ZIP_DEFLATED
    return zi
def copy(dst, skip=()):
    for name, data in files:
        if name not in skip:
            dst.writestr(info(name), data)
# 1. six extra entries of 1 GiB of zeros
with zipfile.ZipFile(w + "/zeros.zip", "w", zipfile.ZIP_DEFLATED) as z:
    copy(z)
    zero = bytes(1 << 20)
    for k in range(6):
        with z.open(info("evidence/zero%d.payload" % k), "w", force_zip64=True) as f:
            for _ in range(1024):
                f.write(zero)
# 2. entry 0's payload replaced by 1 GiB that deflates ~70:1
with zipfile.ZipFile(w + "/gib.zip", "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
    copy(z, {"evidence/0.payload"})
    with z.open(info("evidence/0.payload"), "w", force_zip64=True) as f:
        for _ in range(1024):
            f.write(b"".join(os.urandom(40) + bytes(4056) for _ in range(256)))
# 3. nfiles small files, listed in the manifest, re-signed with the store key
env = json.loads(src.read("manifest.dsse.json"))
st = json.loads(base64.b64decode(env["payload"]))
with zipfile.ZipFile(w + "/many.zip", "w", zipfile.ZIP_DEFLATED) as z:
    copy(z, {"manifest.dsse.json"})
    for i in range(nfiles - len(files)):
        name, data = "extra/%06d.txt" % i, b"file %d\n" % i
        z.writestr(info(name), data)
        st["subject"].append({"name": name, "digest": {"sha256": hashlib.sha256(data).hexdigest()}})
    body = json.dumps(st, separators=(",", ":"), sort_keys=True).encode()
    t = env["payloadType"].encode()
    open(w + "/pae.bin", "wb").write(b"DSSEv1 %d %s %d %s" % (len(t), t, len(body), body))
    subprocess.run(["openssl", "pkeyutl", "-sign", "-inkey", key, "-rawin", "-in", w + "/pae.bin",
                    "-out", w + "/sig.bin"], check=True)
    env["payload"] = base64.b64encode(body).decode()
    env["signatures"][0]["sig"] = base64.b64encode(open(w + "/sig.bin", "rb").read()).decode()
    z.writestr("manifest.dsse.json", json.dumps(env, separators=(",", ":"), sort_keys=True))
PY
mib() { echo $(( $(stat -c %s "$1") / 1048576 )); }
echo "verify-pack benchmark ($(nproc) cores)"
run "1. 6 entries of 1 GiB zeros ($(mib "$w/zeros.zip") MiB zip)" "$w/zeros.zip"
run "2. a 1 GiB payload, 70:1 ($(mib "$w/gib.zip") MiB zip)" "$w/gib.zip"
t0=$(now); unzip -t -q "$w/gib.zip" >/dev/null; t1=$(now)
echo "     unzip -t of the same zip: $(secs "$t0" "$t1") s"
run "3. $files files, all listed ($(mib "$w/many.zip") MiB zip)" "$w/many.zip"
t0=$(now); unzip -t -q "$w/many.zip" >/dev/null; t1=$(now)
echo "     unzip -t of the same zip: $(secs "$t0" "$t1") s"

# Audit packs: reproducible bytes, offline verification, every tampering
# refused, independent checks with openssl and a short script
# (issue 5, "It must show" 1-5).
. "$TESTS/cli/lib.sh"
export AUDITPACK_NOW=2026-11-27T06:00:00Z
"$AP" -q init --origin test.example/pack
mkdir -p "$WORK/docs"
for i in 1 2 3; do printf 'policy document %d\n' "$i" >"$WORK/docs/p$i.md"; done
printf 'Nov 27 05:00:00 gw sshd[1]: Failed password for alice from 10.0.0.1 port 2 ssh2\n' >"$WORK/auth.log"
"$AP" -q collect file --type policy "$WORK"/docs/p*.md
"$AP" -q collect logs --format syslog --name auth "$WORK/auth.log"
AT=2026-11-27T06:00:00Z
pack() { "$AP" -q pack --framework iso27001,gdpr --at "$AT" -o "$1"; }

expect_exit 0 "pack" -- "$AP" pack --framework iso27001,gdpr --at "$AT" -o "$WORK/a.zip"
pack "$WORK/b.zip"
cmp "$WORK/a.zip" "$WORK/b.zip" || die "two packs of the same store differ"
ok "two packs of the same store, frameworks and --at are byte-for-byte identical"
unzip -t "$WORK/a.zip" >"$WORK/out" 2>&1 || { cat "$WORK/out"; die "unzip -t"; }
ok "unzip -t is clean"
mkdir "$WORK/x"
(cd "$WORK/x" && unzip -q ../a.zip) || die "unzip"
python3 - "$WORK/x" <<'PY' || die "manifest digests"
import base64, hashlib, json, os, sys
root = sys.argv[1]
env = json.load(open(os.path.join(root, "manifest.dsse.json")))
st = json.loads(base64.b64decode(env["payload"]))
assert env["payloadType"] == "application/vnd.in-toto+json"
assert st["_type"] == "https://in-toto.io/Statement/v1"
assert st["predicateType"] == "https://auditpack.dev/audit-pack/v1"
names = set()
for s in st["subject"]:
    data = open(os.path.join(root, s["name"]), "rb").read()
    assert hashlib.sha256(data).hexdigest() == s["digest"]["sha256"], s["name"]
    names.add(s["name"])
files = {os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs}
assert files - names == {"manifest.dsse.json"}, files ^ names
need = {"checkpoint", "keys/signing-key.pem", "keys/vkey.txt", "evidence/index.csv", "README.txt",
        "reports/summary.html", "reports/assessment.json", "reports/controls.csv",
        "reports/crosswalk.csv", "reports/assessment-results.xml", "catalogs/iso27001.xml",
        "catalogs/gdpr.xml", "mappings/core.xml", "evidence/0.payload", "evidence/0.proof"}
assert need <= names, need - names
p = st["predicate"]
assert p["frameworks"] == ["iso27001", "gdpr"] and p["checkpoint"]["size"] == 4 and p["erased"] == []
PY
ok "every file in the manifest has the stated digest; nothing unlisted; the layout of docs/auditor-guide.md"

vkey=$("$AP" key show | awk '$2 == "active" {print $3}')
"$AP" key export-public -o "$WORK/pub.pem"
expect_exit 0 "verify-pack with the pinned vkey" -- "$AP" verify-pack "$WORK/a.zip" --vkey "$vkey"
expect_out "verified: .* \(pinned\)" "says the key was pinned"
expect_exit 0 "verify-pack with the pinned PEM" -- "$AP" verify-pack "$WORK/a.zip" --pubkey "$WORK/pub.pem"
expect_exit 0 "verify-pack without a key" -- "$AP" verify-pack "$WORK/a.zip"
expect_err "no key pinned: used the key shipped in the pack, [0-9a-f]{8} sha256:" "prints the shipped key's fingerprint and says it is not pinned"

# Tampering: rebuild the zip from a modified tree.
rezip() { (cd "$1" && rm -f "$2" && zip -q -X -r "$2" .); }
bad() { # description, expected message; the tree is $WORK/t
	rezip "$WORK/t" "$WORK/t.zip"
	expect_exit 1 "$1" -- "$AP" verify-pack "$WORK/t.zip" --vkey "$vkey"
	expect_err "$2" "$1: named"
}
fresh() { rm -rf "$WORK/t"; cp -r "$WORK/x" "$WORK/t"; }
for f in evidence/1.payload reports/summary.html catalogs/gdpr.xml checkpoint evidence/2.leaf; do
	fresh
	python3 -c 'import sys; p=sys.argv[1]; b=bytearray(open(p,"rb").read()); b[len(b)//2]^=1; open(p,"wb").write(b)' "$WORK/t/$f"
	bad "one byte changed in $f" "$f does not match its digest"
done
fresh; rm "$WORK/t/evidence/0.proof"; bad "a file removed" "evidence/0.proof is listed in the manifest but missing"
fresh; echo extra >"$WORK/t/evidence/99.payload"; bad "a file added" "evidence/99.payload is in the pack but not in the manifest"

# The manifest re-signed with another key (openssl, over a PAE built by hand).
resign() { # $1 = tree, $2 = private key PEM
	python3 - "$1" >"$WORK/pae.bin" <<'PY'
import base64, json, sys
env = json.load(open(sys.argv[1] + "/manifest.dsse.json"))
body = base64.b64decode(env["payload"]); t = env["payloadType"].encode()
sys.stdout.buffer.write(b"DSSEv1 %d %s %d %s" % (len(t), t, len(body), body))
PY
	openssl pkeyutl -sign -inkey "$2" -rawin -in "$WORK/pae.bin" -out "$WORK/sig.bin" || die "openssl sign"
	python3 - "$1" "$WORK/sig.bin" <<'PY'
import base64, json, sys
p = sys.argv[1] + "/manifest.dsse.json"
env = json.load(open(p))
env["signatures"][0]["sig"] = base64.b64encode(open(sys.argv[2], "rb").read()).decode()
json.dump(env, open(p, "w"), separators=(",", ":"), sort_keys=True)
PY
}
openssl genpkey -algorithm ed25519 -out "$WORK/other.pem" 2>/dev/null
fresh; resign "$WORK/t" "$WORK/other.pem"; bad "the manifest re-signed with another key" "manifest's signature does not verify"

# An entry's payload swapped for another's, digests updated and the manifest
# re-signed with the store's own key: only the leaf commitment catches it.
fresh
cp "$WORK/t/evidence/1.payload" "$WORK/swap"; cp "$WORK/t/evidence/2.payload" "$WORK/t/evidence/1.payload"; cp "$WORK/swap" "$WORK/t/evidence/2.payload"
python3 - "$WORK/t" <<'PY'
import base64, hashlib, json, sys
root = sys.argv[1]; p = root + "/manifest.dsse.json"
env = json.load(open(p)); st = json.loads(base64.b64decode(env["payload"]))
for s in st["subject"]:
    s["digest"]["sha256"] = hashlib.sha256(open(root + "/" + s["name"], "rb").read()).hexdigest()
env["payload"] = base64.b64encode(json.dumps(st, separators=(",", ":"), sort_keys=True).encode()).decode()
json.dump(env, open(p, "w"), separators=(",", ":"), sort_keys=True)
PY
resign "$WORK/t" "$(ls "$AUDITPACK_STORE"/keys/*.key)"
bad "an entry's payload swapped for another's (re-signed with the store key)" "entry 1: payload does not match its commitment"

# A payload deleted, its manifest lines removed and re-signed with the store
# key: without a tombstone naming the entry, that is tampering.
fresh
rm "$WORK/t/evidence/1.payload" "$WORK/t/evidence/1.salt"
python3 - "$WORK/t" <<'PY'
import base64, json, sys
p = sys.argv[1] + "/manifest.dsse.json"
env = json.load(open(p)); st = json.loads(base64.b64decode(env["payload"]))
st["subject"] = [s for s in st["subject"] if s["name"] not in ("evidence/1.payload", "evidence/1.salt")]
st["predicate"]["erased"] = [1]
env["payload"] = base64.b64encode(json.dumps(st, separators=(",", ":"), sort_keys=True).encode()).decode()
json.dump(env, open(p, "w"), separators=(",", ":"), sort_keys=True)
PY
resign "$WORK/t" "$(ls "$AUDITPACK_STORE"/keys/*.key)"
bad "a payload removed without a tombstone (re-signed with the store key)" "entry 1: payload is missing and no tombstone in the pack records its erasure"

# Hostile zips: names that escape, a decompression bomb.  Nothing is written.
python3 - "$WORK" <<'PY'
import sys, zipfile
w = sys.argv[1]
for i, name in enumerate(("../pwned", "/etc/pwned-by-auditpack-test")):
    with zipfile.ZipFile("%s/evil%d.zip" % (w, i), "w") as z:
        z.write(w + "/x/checkpoint", "checkpoint")
        z.writestr(name, b"pwned\n")
with zipfile.ZipFile(w + "/bomb.zip", "w", zipfile.ZIP_DEFLATED) as z:
    z.write(w + "/x/checkpoint", "checkpoint")
    with z.open("evidence/0.payload", "w") as f:
        for _ in range(64):
            f.write(bytes(1 << 20))
PY
mkdir -p "$WORK/run"
for z in evil0 evil1; do
	(cd "$WORK/run" && "$AP" verify-pack "$WORK/$z.zip" --vkey "$vkey" >"$WORK/out" 2>"$WORK/err")
	[ $? = 1 ] || die "$z: not refused"
	grep -q "is absolute or escapes the pack: refused" "$WORK/err" || { cat "$WORK/err"; die "$z: message"; }
done
[ ! -e "$WORK/pwned" ] && [ ! -e /etc/pwned-by-auditpack-test ] && [ -z "$(ls -A "$WORK/run")" ] ||
	die "something was written"
ok "zip entries named ../pwned and /etc/pwned-by-auditpack-test are refused and nothing is written"
expect_exit 1 "a decompression bomb" -- "$AP" verify-pack "$WORK/bomb.zip" --vkey "$vkey"
expect_err "decompression bomb or over the size limit; not read" "is bounded and refused"

# Independent of auditpack: the manifest with openssl, one entry's proof by script.
python3 - "$WORK/x" >"$WORK/pae.bin" <<'PY'
import base64, json, sys
env = json.load(open(sys.argv[1] + "/manifest.dsse.json"))
body = base64.b64decode(env["payload"]); t = env["payloadType"].encode()
sys.stdout.buffer.write(b"DSSEv1 %d %s %d %s" % (len(t), t, len(body), body))
PY
python3 -c 'import base64,json,sys; sys.stdout.buffer.write(base64.b64decode(json.load(open(sys.argv[1]))["signatures"][0]["sig"]))' "$WORK/x/manifest.dsse.json" >"$WORK/sig.bin"
openssl pkeyutl -verify -pubin -inkey "$WORK/pub.pem" -rawin -in "$WORK/pae.bin" -sigfile "$WORK/sig.bin" >/dev/null ||
	die "openssl does not verify the manifest"
ok "openssl verifies the manifest's Ed25519 signature over a PAE built by hand"
python3 - "$WORK/x" <<'PY' || die "independent inclusion proof"
import base64, hashlib, sys
root = sys.argv[1]
cp = open(root + "/checkpoint").read().split("\n")
size, rootkey = int(cp[1]), base64.b64decode(cp[2])
h = lambda b: hashlib.sha256(b).digest()
leaf = open(root + "/evidence/2.leaf", "rb").read()
r = h(b"\0" + leaf)
lines = open(root + "/evidence/2.proof").read().split("\n\n")[0].split("\n")
assert lines[:2] == ["c2sp.org/tlog-proof@v1", "index 2"]
fn, sn = 2, size - 1
for p in (base64.b64decode(l) for l in lines[2:]):
    if fn & 1 or fn == sn:
        r = h(b"\1" + p + r)
        while fn and not fn & 1:
            fn >>= 1; sn >>= 1
    else:
        r = h(b"\1" + r + p)
    fn >>= 1; sn >>= 1
assert sn == 0 and r == rootkey
salt = bytes.fromhex(open(root + "/evidence/2.salt").read())
c = h(b"auditpack/payload/v1\n" + salt + open(root + "/evidence/2.payload", "rb").read()).hex()
assert ("payload sha256:%s " % c) in leaf.decode()
PY
ok "entry 2's inclusion proof reaches the checkpoint root and its salted commitment matches, by script"

# The OSCAL assessment-results validate against the OSCAL 1.2.1 XSD.
xmllint --noout --nonet --schema "$TESTS/../controls/schema/oscal_assessment-results_schema.xsd" \
	"$WORK/x/reports/assessment-results.xml" 2>"$WORK/err" || { head -5 "$WORK/err"; die "assessment-results invalid"; }
python3 - "$WORK/x/reports/assessment-results.xml" <<'PY' || die "uuids and times"
import re, sys
x = open(sys.argv[1]).read()
uuids = re.findall(r'uuid="([^"]+)"', x)
assert uuids and all(re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[45][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", u) for u in uuids), uuids[:3]
times = re.findall(r">(\d{4}-\d\d-\d\dT[^<]+)<", x)
assert times and all(re.search(r"(Z|[+-]\d\d:\d\d)$", t) for t in times), times
PY
ok "reports/assessment-results.xml validates against the OSCAL XSD; UUIDs v4/v5; times with a zone"

# The HTML summary in a real browser: no network request, no console error.
if [ -x "$TESTS/cli/html_browser_check.sh" ]; then
	mkdir -p "$TESTS/../build/test-output"
	"$TESTS/cli/html_browser_check.sh" "$WORK/x/reports/summary.html" "$TESTS/../build/test-output/summary.png" >"$WORK/out" 2>&1 ||
		{ cat "$WORK/out"; die "the summary page failed in the browser"; }
	ok "summary.html in headless Chromium: $(tail -n1 "$WORK/out")"
fi
grep -q 'coverage' "$WORK/x/reports/summary.html" || die "no coverage in the page"
echo "$checks checks"

# Someone without auditpack can check the evidence: the checkpoint signature
# with openssl and the verifier key, the leaf hash from `show --json`, and the
# inclusion proof against the checkpoint root with a short script
# (issue 2, "It must show" 4).
. "$TESTS/cli/lib.sh"
make_store
cd "$WORK"

# 1. The verifier key: name+keyid+base64(0x01 || Ed25519 public key).
vkey=$("$AP" key show | awk '$2 == "active" {print $3}')
name=${vkey%%+*}
rest=${vkey#*+}
keyid=${rest%%+*}
keyb64=${rest#*+}
[ "$name" = test.example/evidence ] || die "vkey name is '$name'"
ok "vkey names the origin"
echo "$keyb64" | base64 -d >key.bin
[ "$(head -c1 key.bin | od -An -tx1 | tr -d ' ')" = 01 ] || die "vkey type byte is not 0x01"
tail -c32 key.bin >pub.raw
# SubjectPublicKeyInfo for Ed25519 (RFC 8410): fixed 12-byte prefix + key.
{ printf '\x30\x2a\x30\x05\x06\x03\x2b\x65\x70\x03\x21\x00'; cat pub.raw; } >pub.der
openssl pkey -pubin -inform DER -in pub.der -out pub.pem || die "openssl rejects the key"
ok "openssl reads the public key from the vkey"

# The key id is SHA-256(name || 0x0A || 0x01 || key)[:4].
want_id=$({ printf '%s\n\001' "$name"; cat pub.raw; } | openssl dgst -sha256 -binary | head -c4 | od -An -tx1 | tr -d ' \n')
[ "$want_id" = "$keyid" ] || die "key id $keyid, recomputed $want_id"
ok "key id recomputes with openssl dgst"

"$AP" key export-public -o exported.pem
cmp <(openssl pkey -pubin -in exported.pem -outform DER) pub.der || die "export-public differs"
ok "key export-public is the same key"

# 2. The checkpoint: three body lines, a blank line, the signature line.
"$AP" checkpoint >cp
head -n3 cp >body
sigline=$(sed -n 5p cp)
case "$sigline" in "— $name "*) ;; *) die "bad signature line: $sigline" ;; esac
echo "${sigline##* }" | base64 -d >sig.blob
[ "$(head -c4 sig.blob | od -An -tx1 | tr -d ' \n')" = "$keyid" ] || die "signature key id"
tail -c64 sig.blob >sig.raw
openssl pkeyutl -verify -pubin -inkey pub.pem -rawin -in body -sigfile sig.raw >/dev/null ||
	die "openssl does not verify the checkpoint signature"
ok "openssl verifies the checkpoint signature"
printf 'X' >>body
! openssl pkeyutl -verify -pubin -inkey pub.pem -rawin -in body -sigfile sig.raw >/dev/null 2>&1 ||
	die "openssl verified a changed checkpoint"
ok "and rejects a changed one"

# 3. Every entry: leaf hash from show --json, proof against the checkpoint root.
for idx in 0 1 2 3 4 5; do
	"$AP" show "$idx" --json >entry.json
	"$AP" proof "$idx" >proof
	"$AP" show "$idx" --payload >payload
	python3 - entry.json proof cp <<'PY' || die "independent check of entry $idx failed"
import base64, hashlib, json, sys
entry = json.load(open(sys.argv[1]))
proof = open(sys.argv[2]).read()
cp = open(sys.argv[3]).read().split("\n")
leaf = base64.b64decode(entry["leaf_data"])
h = lambda b: hashlib.sha256(b).digest()
leaf_hash = h(b"\x00" + leaf)
assert leaf_hash.hex() == entry["leaf_hash"], "leaf hash"
text = leaf.decode()
assert text.startswith("auditpack/evidence/v1\nindex %d\n" % entry["index"]), "leaf index"
attrs_line = [l for l in text.split("\n") if l.startswith("attrs ")][0]
# attrs as stored: the stable JSON encoding (sorted keys, compact)
attrs = json.dumps(entry["attrs"], sort_keys=True, separators=(",", ":"), ensure_ascii=False)
assert attrs_line == "attrs sha256:" + h(attrs.encode()).hex(), "attrs digest"
head, note = proof.split("\n\n", 1)
lines = head.split("\n")
assert lines[0] == "c2sp.org/tlog-proof@v1" and lines[1] == "index %d" % entry["index"]
path = [base64.b64decode(l) for l in lines[2:] if l]
size, root = int(cp[1]), base64.b64decode(cp[2])
assert note.split("\n")[:3] == cp[:3], "proof carries the checkpoint"
# RFC 9162 2.1.3.2
fn, sn, r = entry["index"], size - 1, leaf_hash
for p in path:
    assert sn != 0
    if fn & 1 or fn == sn:
        r = h(b"\x01" + p + r)
        if not fn & 1:
            while fn and not fn & 1:
                fn >>= 1; sn >>= 1
    else:
        r = h(b"\x01" + r + p)
    fn >>= 1; sn >>= 1
assert sn == 0 and r == root, "inclusion proof does not reach the root"
PY
	# The payload's plain digest is in attrs; its salted commitment needs the
	# salt, which lives in the store (and, later, in audit packs).
	want=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["attrs"]["sha256"])' entry.json)
	[ "$(sha256sum <payload | cut -d' ' -f1)" = "$want" ] || die "payload digest of $idx"
done
ok "leaf hash, attrs digest, payload digest and inclusion proof of all 6 entries check by hand"
echo "$checks checks"

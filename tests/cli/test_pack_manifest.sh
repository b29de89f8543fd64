# The pack manifest is canonical JSON (sorted keys, compact, UTF-8) whatever
# the file names: a check file whose name needs escaping (a quote,
# non-ASCII) is listed under its own name, with its digest, and
# the pack verifies (issue 15: the manifest is written without one json_t
# per file).
. "$TESTS/cli/lib.sh"
export AUDITPACK_NOW=2026-11-27T06:00:00Z
"$AP" -q init --origin test.example/manifest
mkdir -p "$WORK/docs"
for i in 1 2 3; do printf 'policy document %d\n' "$i" >"$WORK/docs/p$i.md"; done
"$AP" -q collect file --type policy "$WORK"/docs/p*.md
mkdir -p "$AUDITPACK_STORE/mappings"
name='lo"cal é.xml'
cat >"$AUDITPACK_STORE/mappings/$name" <<'XML'
<checks xmlns="https://auditpack.dev/ns/checks/1">
  <check id="local-policy">
    <title>t</title><evidence kind="document"/><rule name="evidence-fresh"/>
    <freshness>30d</freshness><maps framework="gdpr" control="art-5" why="w"/>
  </check>
</checks>
XML
expect_exit 0 "pack with a check file named $name" -- \
	"$AP" pack --framework gdpr --at 2026-11-27T06:00:00Z -o "$WORK/a.zip"
vkey=$("$AP" key show | awk '$2 == "active" {print $3}')
expect_exit 0 "verify-pack of it" -- "$AP" verify-pack "$WORK/a.zip" --vkey "$vkey"
mkdir "$WORK/x"
(cd "$WORK/x" && unzip -q ../a.zip) || die "unzip"
python3 - "$WORK/x" "$name" <<'PY' || die "manifest not canonical"
import base64, hashlib, json, os, sys
root, name = sys.argv[1], sys.argv[2]
canon = lambda v: json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
raw = open(os.path.join(root, "manifest.dsse.json"), "rb").read()
env = json.loads(raw)
assert raw == canon(env) + b"\n", "envelope bytes"
body = base64.b64decode(env["payload"])
st = json.loads(body)
assert body == canon(st), "statement bytes"
subj = {s["name"]: s["digest"]["sha256"] for s in st["subject"]}
assert [s["name"] for s in st["subject"]] == sorted(subj, key=lambda n: n.encode()), "order"
m = "mappings/" + name
assert m in subj, sorted(subj)
assert subj[m] == hashlib.sha256(open(os.path.join(root, m), "rb").read()).hexdigest()
files = {os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs}
assert files - {"manifest.dsse.json"} == set(subj), files ^ set(subj)
assert st["predicate"]["entries"] >= 3
PY
ok "the manifest is canonical JSON listing mappings/$name with its digest, and every file"
echo "$checks checks"

# Findings (issue 11): checks fail closed on evidence that is not their own;
# every violation is its own finding with a stable id; diff over time.
. "$TESTS/cli/lib.sh"

# status CHECK: the status of one check in the last `assess --json` ($WORK/a.json).
status() {
	python3 - "$WORK/a.json" "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
seen = {k["status"] for f in d["frameworks"] for c in f["controls"] for k in c["checks"]
        if k["id"] == sys.argv[2]}
print(",".join(sorted(seen)) or "none")
PY
}
assess_json() { "$AP" assess --json "$@" >"$WORK/a.json" || die "assess --json"; }

# ---- 1. fail closed: untyped command output is not an RBAC snapshot
"$AP" -q init --origin test.example/findings || die "init"
expect_exit 0 "collect an untyped command" -- "$AP" collect cmd --name uptime -- true
assess_json
for k in rbac-snapshot-fresh rbac-no-wildcard; do
	[ "$(status $k)" = missing ] || die "$k is $(status $k) on 'true' alone"
	ok "$k is missing, not pass, on an untyped command"
done

# An RBAC command that exits non-zero, or prints non-JSON, or JSON that is
# no Kubernetes List: never pass.
expect_exit 2 "a --type that is not one word" -- "$AP" collect cmd --name r --type 'Bad Type' -- true
expect_exit 0 "rbac command exiting 1" -- "$AP" collect cmd --name rbac --type rbac -- \
	sh -c 'echo "{\"kind\": \"List\", \"items\": []}"; exit 1'
assess_json
for k in rbac-snapshot-fresh rbac-no-wildcard; do
	[ "$(status $k)" = fail ] || die "$k is $(status $k) after a failed kubectl"
	ok "$k fails when the RBAC command exits non-zero"
done
grep -q 'exited with status 1' "$WORK/a.json" || die "the reason names the exit status"
ok "the reason names the exit status"
expect_exit 0 "rbac command printing text" -- "$AP" collect cmd --name rbac --type rbac -- \
	echo 'error: You must be logged in to the server (Unauthorized)'
assess_json
for k in rbac-snapshot-fresh rbac-no-wildcard; do
	[ "$(status $k)" = fail ] || die "$k is $(status $k) on non-JSON output"
	ok "$k fails on non-JSON RBAC output"
done
grep -q 'not JSON' "$WORK/a.json" || die "the reason says the output is not JSON"
ok "the reason says the output is not JSON"
expect_exit 0 "rbac command printing JSON that is no List" -- "$AP" collect cmd --name rbac \
	--type rbac -- echo '{"kind": "Status", "status": "Failure"}'
assess_json
for k in rbac-snapshot-fresh rbac-no-wildcard; do
	[ "$(status $k)" = fail ] || die "$k is $(status $k) on a non-List document"
	ok "$k fails on JSON that is not a Kubernetes List"
done

# A typed source in auditpack.yaml: output-type.
cat >>"$AUDITPACK_STORE/auditpack.yaml" <<YAML
sources:
  - name: rbac
    type: command
    output-type: rbac
    run: [cat, $TESTS/../examples/k8s/rbac.json]
YAML
expect_exit 0 "collect a configured typed command" -- "$AP" collect rbac
assess_json
[ "$(status rbac-snapshot-fresh)" = pass ] || die "snapshot: $(status rbac-snapshot-fresh)"
ok "a good typed snapshot passes rbac-snapshot-fresh"
[ "$(status rbac-no-wildcard)" = fail ] || die "wildcard: $(status rbac-no-wildcard)"
ok "the example's ml-platform-ops wildcard role fails rbac-no-wildcard"
sed -i 's/output-type: rbac/output-type: RBAC!/' "$AUDITPACK_STORE/auditpack.yaml"
expect_exit 3 "a bad output-type" -- "$AP" collect rbac
expect_err 'auditpack.yaml:[0-9]+:[0-9]+.*output-type' "names the line of the bad output-type"

# ---- 2. every violation its own finding, with a stable id
make_deployment test.example/findings
cat >"$WORK/gw2.jsonl" <<'LOG'
{"ts": "2026-11-27T01:00:00Z", "user": "u1", "model": "fraud-screen", "version": "2", "status": 200}
{"ts": "2026-11-27T02:00:00Z", "user": "u2", "model": "shadow-chat", "version": "1", "status": 200}
{"ts": "2026-11-27T03:00:00Z", "user": "u2", "model": "shadow-chat", "version": "1", "status": 200}
LOG
AUDITPACK_NOW=$DEPLOY_T0 gw "$WORK/gw2.jsonl" || die "collect second log"
mkdir -p "$WORK/cfg"
cat >"$WORK/cfg/gw.yaml" <<'YAML'
upstream:
  url: https://llm.internal.example
  api_key: sk-live-9f8e7d6c5b4a39281716151413121110
database:
  password: "Xk9#mPq2$vL7wZ4r"
tls:
  min_version: TLSv1.2
YAML
(cd "$WORK/cfg" && AUDITPACK_NOW=$DEPLOY_T0 "$AP" -q collect config --name gateway-config gw.yaml) ||
	die "collect config"
rbac_doc() { # ROLE-WITH-WILDCARD... : a List with those wildcard roles and one read-only role
	python3 - "$@" <<'PY'
import json, sys
items = [{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
          "metadata": {"name": "gateway-reader"},
          "rules": [{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get", "list"]}]}]
for n in sys.argv[1:]:
    items.append({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
                  "metadata": {"name": n, "namespace": "ai-prod"},
                  "rules": [{"apiGroups": ["apps"], "resources": ["*"], "verbs": ["get"]}]
                  if n.startswith("deploy") else
                  [{"apiGroups": ["*"], "resources": ["pods"], "verbs": ["*"]}]})
items.append({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
              "metadata": {"name": "b", "namespace": "ai-prod"},
              "roleRef": {"kind": "Role", "name": "x"}, "subjects": [{"kind": "User", "name": "a"}]})
print(json.dumps({"apiVersion": "v1", "kind": "List", "items": items}))
PY
}
rbac_doc ml-platform-ops deployer >"$WORK/rbac.json"
AUDITPACK_NOW=$DEPLOY_T0 "$AP" -q collect cmd --name rbac --type rbac -- cat "$WORK/rbac.json" ||
	die "collect rbac"
"$AP" assess --json --at $DEPLOY_T0 >"$WORK/run1.json" || die "assess 1"
"$AP" assess --json --at 2026-11-27T07:00:00Z >"$WORK/run2.json" || die "assess 2"
python3 - "$WORK/run1.json" "$WORK/run2.json" <<'PY' || die "findings"
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
F = {f["subject"]: f for f in a["findings"]}
def fail(check, subject):
    f = F.get(subject) or [F[s] for s in F if s.endswith("/" + subject)][0]
    assert f and f["check"] == check and f["status"] == "fail", (subject, f)
    assert subject in f["message"] and f["remediation"] and f["evidence"], f
    return f
m1 = fail("models-registered", "model fraud-screen v2")
fail("models-registered", "model shadow-chat v1")
assert "model credit-risk-llm v3" not in F
fws = {c.split(":")[0] for c in m1["controls"]}
assert len(fws) >= 3, m1["controls"]
fail("rbac-no-wildcard", "role ai-prod/ml-platform-ops")
fail("rbac-no-wildcard", "role ai-prod/deployer")
assert not [s for s in F if "gateway-reader" in s]
fail("no-plaintext-secrets", "gw.yaml: upstream.api_key")
fail("no-plaintext-secrets", "gw.yaml: database.password")
# ids: stable across runs, derived from check and subject only
ids = lambda d: sorted((f["id"], f["check"], f["subject"]) for f in d["findings"])
assert ids(a) == ids(b), set(ids(a)) ^ set(ids(b))
assert len({f["id"] for f in a["findings"]}) == len(a["findings"])
# each check lists its findings' ids; no text says "and others"
for fw in a["frameworks"]:
    for c in fw["controls"]:
        for k in c["checks"]:
            assert all(i in {f["id"] for f in a["findings"]} for i in k["findings"])
            if k["status"] == "pass":
                assert not k["findings"], k
            elif k["status"] in ("fail", "stale", "missing"):
                assert k["findings"], k
assert "and others" not in json.dumps(a)
ck = [k for fw in a["frameworks"] for c in fw["controls"] for k in c["checks"]
      if k["id"] == "rbac-no-wildcard"][0]
assert len(ck["findings"]) == 2, ck
PY
ok "two unregistered models, two wildcard roles, two secrets: each its own finding; stable ids"
"$AP" assess --at $DEPLOY_T0 >"$WORK/out" || die "assess text"
expect_out "fail +[0-9a-f]{16} +models-registered: model shadow-chat v1" "text output lists findings"

# ---- 3. over time: fix one role, collect again, diff
rbac_doc deployer >"$WORK/rbac.json"
AUDITPACK_NOW=2026-11-27T06:30:00Z "$AP" -q collect cmd --name rbac --type rbac -- cat "$WORK/rbac.json" ||
	die "collect fixed rbac"
"$AP" assess --json --at 2026-11-27T07:00:00Z >"$WORK/run3.json" || die "assess 3"
expect_exit 0 "diff with nothing new" -- "$AP" diff --json "$WORK/run1.json" "$WORK/run3.json"
python3 - "$WORK/out" <<'PY' || die "diff json"
import json, sys
d = json.load(open(sys.argv[1]))
assert set(d) == {"new", "resolved", "persisting"}, d.keys()
assert [f["subject"] for f in d["resolved"]] == ["role ai-prod/ml-platform-ops"], d["resolved"]
assert not d["new"]
subj = {f["subject"] for f in d["persisting"]}
assert "role ai-prod/deployer" in subj and "model shadow-chat v1" in subj, subj
assert all(f["remediation"] and f["controls"] for f in d["persisting"] if f["status"] == "fail")
PY
ok "the fixed role is resolved, the others persist"
expect_exit 1 "diff the other way: a new finding" -- "$AP" diff "$WORK/run3.json" "$WORK/run1.json"
expect_out "^new: 1" "text diff counts the new finding"
expect_out "rbac-no-wildcard: role ai-prod/ml-platform-ops" "text diff names it"
expect_exit 0 "diff of an assessment with itself" -- "$AP" diff "$WORK/run1.json" "$WORK/run1.json"
expect_out "^persisting: [1-9]" "everything persists"
AUDITPACK_NOW=2026-11-27T07:00:00Z "$AP" -q pack --framework iso27001,hipaa --at 2026-11-27T07:00:00Z \
	-o "$WORK/p.zip" || die "pack"
expect_exit 0 "diff an assess --json file against a pack of fewer frameworks" -- "$AP" diff "$WORK/run3.json" "$WORK/p.zip"
expect_out "^resolved: [1-9]" "findings outside the pack's frameworks are not in it"
mkdir -p "$WORK/px" && (cd "$WORK/px" && unzip -q "$WORK/p.zip") || die "unzip"
python3 - "$WORK/px" <<'PY' || die "links"
import html.parser, os, sys
root = sys.argv[1]
class P(html.parser.HTMLParser):
    def __init__(s): super().__init__(); s.links = []; s.ids = set()
    def handle_starttag(s, tag, attrs):
        for k, v in attrs:
            if k in ("href", "src"): s.links.append(v)
            if k == "id": s.ids.add(v)
pages = ["reports/summary.html"] + ["reports/entries/" + f for f in os.listdir(root + "/reports/entries")]
n = 0
for page in pages:
    p = P(); p.feed(open(os.path.join(root, page)).read())
    for l in p.links:
        assert ":" not in l, (page, l)
        path, _, frag = l.partition("#")
        if not path:
            assert frag in p.ids, (page, l)
            continue
        target = os.path.normpath(os.path.join(root, os.path.dirname(page), path))
        assert target.startswith(root) and os.path.isfile(target), (page, l)
        n += 1
s = open(root + "/reports/summary.html").read()
assert 'class="verdict"' in s and 'id="findings"' in s and "What to do:" in s
assert s.index('class="verdict"') < s.index('id="findings"') < s.index('id="coverage"')
assert "and others" not in s
e = open(root + "/reports/entries/5.html").read()
assert "Inclusion proof" in e and "download=" in e and "../../evidence/5.payload" in e
assert n > 10, n
PY
ok "every relative link in summary.html and the entry pages resolves to a file in the pack"
"$TESTS/cli/html_browser_check.sh" "$WORK/px/reports/entries/5.html" "$WORK/entry.png" >"$WORK/out" 2>&1 ||
	{ cat "$WORK/out"; die "an entry page in headless Chromium"; }
ok "an entry page in headless Chromium: $(tail -n1 "$WORK/out")"
expect_exit 2 "diff with one argument" -- "$AP" diff "$WORK/run1.json"
expect_exit 3 "diff with a missing file" -- "$AP" diff "$WORK/nope.json" "$WORK/run1.json"
expect_err "nope.json" "names the missing file"
printf '{"at": 1' >"$WORK/bad.json"
expect_exit 3 "diff with a broken file" -- "$AP" diff "$WORK/bad.json" "$WORK/run1.json"
expect_err "bad.json:1" "names the broken file and line"

# --status: only controls and findings of those statuses
expect_exit 0 "assess --status fail --json" -- "$AP" assess --at 2026-11-27T07:00:00Z --status fail --json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
assert {c["status"] for f in d["frameworks"] for c in f["controls"]} == {"fail"}
assert d["findings"] and {f["status"] for f in d["findings"]} == {"fail"}' "$WORK/out" || die "--status"
ok "--status fail keeps only failing controls and findings"
expect_exit 2 "assess --status with an unknown status" -- "$AP" assess --status broken
expect_err "unknown status 'broken'" "names the bad status"

# An attestation says who, which file and until when.
printf 'badge access reviewed\n' >"$WORK/badges.txt"
AUDITPACK_NOW=2026-11-27T06:40:00Z "$AP" -q attest --control iso27001:A.7.2 --file "$WORK/badges.txt" \
	--by "Head of Facilities" --valid-for 90d || die "attest"
"$AP" assess --json --at 2026-11-27T07:00:00Z >"$WORK/a.json" || die "assess"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
c = [c for f in d["frameworks"] if f["id"] == "iso27001" for c in f["controls"] if c["label"] == "A.7.2"][0]
assert "attested by Head of Facilities" in c["reason"] and "badges.txt" in c["reason"] and "valid until 2027-02-25" in c["reason"], c' \
	"$WORK/a.json" || die "attestation reason"
ok "an attestation names who, which file and until when"

# ---- SIEM: OCSF Compliance Finding events, one per line
expect_exit 0 "findings as OCSF JSON lines on stdout" -- "$AP" assess --at 2026-11-27T07:00:00Z \
	--findings-jsonl -
python3 - "$WORK/out" "$WORK/run3.json" <<'PY' || die "ocsf"
import json, sys
lines = open(sys.argv[1]).read().splitlines()
a = json.load(open(sys.argv[2]))
evs = [json.loads(l) for l in lines]
assert len(evs) == len(a["findings"]) > 0
for e, f in zip(evs, a["findings"]):
    assert e["class_uid"] == 2003 and e["category_uid"] == 2 and e["type_uid"] == 200301
    assert e["activity_id"] == 1 and e["severity_id"] in (2, 3, 4) and e["status"] == "New"
    assert e["finding_info"]["uid"] == f["id"] and e["finding_info"]["desc"] == f["message"]
    assert e["compliance"]["control"] == f["check"]
    assert e["compliance"]["requirements"] == f["controls"] and e["compliance"]["standards"]
    assert e["compliance"]["status"] in ("Fail", "Warning")
    assert e["resources"][0]["name"] == f["subject"]
    assert e["remediation"]["desc"] == f["remediation"]
    assert e["metadata"]["product"]["name"] == "auditpack" and e["metadata"]["product"]["vendor_name"]
    assert e["time"] == 1795762800000
PY
ok "one OCSF Compliance Finding (class 2003) per finding, with the stable id"
expect_exit 0 "findings jsonl to a file, report on stdout" -- "$AP" assess --at 2026-11-27T07:00:00Z \
	--findings-jsonl "$WORK/f.jsonl"
expect_out "findings:" "the text report still goes to stdout"
[ "$(wc -l <"$WORK/f.jsonl")" -gt 0 ] || die "no lines in the file"
ok "the file holds the events"
expect_exit 3 "findings jsonl to an unwritable path" -- "$AP" assess --findings-jsonl "$WORK/no/such/dir/f.jsonl"
expect_err "no/such/dir/f.jsonl" "names the path"
unzip -p "$WORK/p.zip" reports/findings.jsonl | head -1 | grep -q '"class_uid":2003' || die "pack findings.jsonl"
ok "the pack carries reports/findings.jsonl"

# ---- 4. risk acceptance that ends: exclude one finding, with expires
id=$(python3 -c 'import json,sys; print([f["id"] for f in json.load(open(sys.argv[1]))["findings"] if f["subject"] == "role ai-prod/deployer"][0])' "$WORK/run3.json")
cat >"$WORK/policy.yaml" <<YAML
require: ["iso27001:A.5.15", "iso27001:A.8.2"]
exclude:
  - finding: $id
    justification: "deployer needs every apps resource until OPS-12 lands"
    expires: 2026-11-27
YAML
gate() { AUDITPACK_NOW=$1 "$AP" gate --policy "$WORK/policy.yaml" --at "$1"; }
expect_exit 0 "gate with the finding accepted" -- gate 2026-11-27T07:00:00Z
expect_out "^ACCEPTED finding $id rbac-no-wildcard: role ai-prod/deployer \(deployer needs" \
	"the gate lists the accepted finding"
"$AP" show "$(sed -n 's/.*decision recorded as entry \([0-9]*\).*/\1/p' "$WORK/out")" --json >"$WORK/dec.json" ||
	die "show the decision"
python3 -c 'import json,sys; a=json.load(open(sys.argv[1]))["attrs"]["accepted"]
assert a == [{"finding": sys.argv[2], "check": "rbac-no-wildcard", "subject": "role ai-prod/deployer",
              "justification": "deployer needs every apps resource until OPS-12 lands",
              "expires": "2026-11-27T23:59:59Z"}], a' "$WORK/dec.json" "$id" || die "decision attrs"
ok "the signed gate decision records the accepted risk"
expect_exit 1 "gate after the acceptance expired" -- gate 2026-11-28T07:00:00Z
expect_out "^EXPIRED exclusion of finding $id .*policy.yaml:3\) ended 2026-11-27T23:59:59Z" \
	"the gate says the exclusion has ended"
expect_out "^FAIL iso27001:A.5.15 .*role ai-prod/deployer" "and fails on the finding again"
"$AP" assess --json --at 2026-11-27T07:00:00Z >"$WORK/a.json" || die "assess"
cp "$WORK/policy.yaml" "$WORK/policy1.yaml"
cat >"$WORK/policy.yaml" <<YAML
frameworks: [rbi]
exclude:
  - control: "rbi:Para 19"
    justification: "reviewed by the CISO"
    expires: 2026-11-20T00:00:00Z
YAML
expect_exit 1 "gate with an expired control exclusion" -- gate 2026-11-27T07:00:00Z
expect_out "^EXPIRED exclusion of rbi:Para 19 .*policy.yaml:3\\) ended 2026-11-20T00:00:00Z" \
	"names the expired control exclusion"
expect_out "^FAIL rbi:Para 19 .*rbac-no-wildcard" "the control is judged again"
sed -i 's/2026-11-20T00:00:00Z/2026-12-20T00:00:00Z/' "$WORK/policy.yaml"
expect_exit 1 "gate before that exclusion ends" -- gate 2026-11-27T07:00:00Z
grep -q "Para 19" "$WORK/out" && die "an excluded control is judged"
ok "until it ends the control stays excluded"
cp "$WORK/policy1.yaml" "$WORK/policy.yaml"
sed -i 's/^    expires: 2026-11-27$/    expires: someday/' "$WORK/policy.yaml"
expect_exit 3 "a bad expires" -- gate 2026-11-27T07:00:00Z
expect_err "policy.yaml:5:[0-9]+: 'expires' must be a date" "names the line of the bad expires"
printf 'require: ["iso27001:A.5.15"]\nexclude:\n  - {finding: xyz, justification: j}\n' >"$WORK/policy.yaml"
expect_exit 3 "a finding that is not an id" -- gate 2026-11-27T07:00:00Z
expect_err "policy.yaml:3:[0-9]+: 'finding' must be a finding id" "names the bad finding id"

echo "1..$checks"

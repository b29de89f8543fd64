# OSCAL (issue 11): the pack's assessment-results (XML and JSON) and POA&M
# (XML and JSON), and `controls export --json`, validate against the OSCAL
# 1.2.1 schemas: XSDs with xmllint, JSON schemas with ajv 8 (mk/ajv.sh puts
# it in tests/node_modules; without it the JSON part is skipped, said so).
. "$TESTS/cli/lib.sh"
data=$TESTS/data/oscal
xsd=$TESTS/../controls/schema
ajv=$TESTS/node_modules/.bin/ajv
json_valid() { # SCHEMA FILE WHAT
	if [ ! -x "$ajv" ]; then
		ok "skip: $3 (ajv not installed: run mk/ajv.sh)"
		return
	fi
	"$ajv" validate --spec=draft7 -c ajv-formats --strict=false -s "$1" -d "$2" >"$WORK/ajv" 2>&1 ||
		{ cat "$WORK/ajv"; die "$3"; }
	ok "$3"
}

make_deployment test.example/oscal
printf '{"apiVersion":"v1","kind":"List","items":[{"kind":"ClusterRole","metadata":{"name":"ops"},"rules":[{"apiGroups":["*"],"resources":["*"],"verbs":["*"]}]}]}\n' >"$WORK/rbac.json"
AUDITPACK_NOW=$DEPLOY_T0 "$AP" -q collect cmd --name rbac --type rbac -- cat "$WORK/rbac.json" || die "rbac"
AUDITPACK_NOW=$DEPLOY_T0 "$AP" -q pack --framework iso27001,gdpr,hipaa --at $DEPLOY_T0 -o "$WORK/p.zip" ||
	die "pack"
mkdir -p "$WORK/p" && (cd "$WORK/p" && unzip -q "$WORK/p.zip") || die "unzip"
r=$WORK/p/reports
for f in assessment-results.json poam.xml poam.json; do
	[ -s "$r/$f" ] || die "no reports/$f in the pack"
done
ok "the pack carries assessment-results.json, poam.xml and poam.json"
xmllint --noout --schema "$xsd/oscal_assessment-results_schema.xsd" "$r/assessment-results.xml" 2>"$WORK/x" ||
	{ cat "$WORK/x"; die "assessment-results.xml"; }
ok "assessment-results.xml validates against the OSCAL 1.2.1 XSD"
xmllint --noout --schema "$data/oscal_poam_schema.xsd" "$r/poam.xml" 2>"$WORK/x" ||
	{ cat "$WORK/x"; die "poam.xml"; }
ok "poam.xml validates against the OSCAL 1.2.1 POA&M XSD"
json_valid "$data/oscal_assessment-results_schema.json" "$r/assessment-results.json" \
	"assessment-results.json validates against the OSCAL 1.2.1 JSON schema"
json_valid "$data/oscal_poam_schema.json" "$r/poam.json" "poam.json validates against the OSCAL 1.2.1 JSON schema"
for fw in gdpr iso27001 eu-ai-act; do
	"$AP" controls export $fw --json -o "$WORK/$fw.json" || die "export $fw"
	json_valid "$data/oscal_catalog_schema.json" "$WORK/$fw.json" \
		"controls export $fw --json validates against the OSCAL 1.2.1 catalog JSON schema"
done

# What is in them: one observation per evidence entry used, one finding per
# (control, finding) naming its subject, one poam-item per open finding.
python3 - "$r" "$WORK/gdpr.json" <<'PY' || die "contents"
import json, sys
r = sys.argv[1]
ar = json.load(open(r + "/assessment-results.json"))["assessment-results"]
a = json.load(open(r + "/assessment.json"))
poam = json.load(open(r + "/poam.json"))["plan-of-action-and-milestones"]
props = lambda o: {p["name"]: p["value"] for p in o.get("props", [])}
iso = [x for x in ar["results"] if props(x)["framework"] == "iso27001"][0]
obs = {props(o)["entry-index"] for o in iso["observations"]}
assert len(obs) == len(iso["observations"]), "one observation per entry"
role = [f for f in iso["findings"] if props(f).get("subject") == "role ops"]
assert {props(f)["label"] for f in role} == {"A.5.15", "A.8.2"}, role
for f in role:
    assert f["target"]["status"]["state"] == "not-satisfied" and f["related-observations"] and f["remarks"]
open_ = [f for f in a["findings"] if not f.get("accepted")]
assert len(poam["poam-items"]) == len(open_) > 0
ids = {props(p)["finding-id"] for p in poam["poam-items"]}
assert ids == {f["id"] for f in open_}
item = [p for p in poam["poam-items"] if props(p)["subject"] == "role ops"][0]
assert "iso27001:A.5.15" in [p["value"] for p in item["props"] if p["name"] == "control"]
assert "'*'" in item["description"] and item["remarks"]
cat = json.load(open(sys.argv[2]))["catalog"]
def controls(node):
    for c in node.get("controls", []):
        yield c
        yield from controls(c)
    for g in node.get("groups", []):
        yield from controls(g)
ctl = [c for c in controls(cat) if c["id"] == "art-32"][0]
assert props(ctl)["label"] == "Art. 32" and ctl["parts"][0]["prose"]
PY
ok "one observation per entry, one finding per (control, finding) with its subject, one poam-item per open finding"
cmp <("$AP" controls export gdpr --json) "$WORK/gdpr.json" || die "export is not stable"
ok "controls export --json gives the same bytes twice"

echo "1..$checks"

# Retention from the frameworks in scope (It must show 1 and 2): each
# framework's minimum comes from its catalogue and the profile; the
# retention check reports per framework; prune refuses what a framework in
# scope still requires; retention: lengthens, never shortens; and the check
# does not pass on the oldest log alone when the logs in between are gone.
. "$TESTS/cli/lib.sh"
export AUDITPACK_NOW=2026-11-30T00:00:00Z
CFG=$AUDITPACK_STORE/auditpack.yaml
profile() { printf 'origin: test.example/retention\n%s\nsources: []\n' "$1" >"$CFG"; }
# logs FILE FROM_DAYS_AGO TO_DAYS_AGO: one event every 12 hours in between.
logs() {
	python3 - "$@" <<'PY'
import datetime, json, sys
now = datetime.datetime(2026, 11, 30)
path, start, end = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with open(path, "w") as f:
    t = now - datetime.timedelta(days=start)
    while t <= now - datetime.timedelta(days=end):
        f.write(json.dumps({"ts": t.strftime("%Y-%m-%dT%H:%M:%SZ"), "user": "u1", "status": 200}) + "\n")
        t += datetime.timedelta(hours=12)
PY
}
collect() { "$AP" -q collect logs --format jsonl --name gateway --field time=ts --field user=user --field status=status "$@"; }
# check_of FW LABEL: status and detail of access-log-retention for that control
check_of() {
	jq -r --arg fw "$1" --arg l "$2" '.frameworks[] | select(.id == $fw) | .controls[] |
		select(.label == $l) | .checks[] | select(.id == "access-log-retention") |
		.status + ": " + .detail' "$WORK/out"
}

# 1. 200 days of gateway logs; SEBI (qualified) and the AI Act (both roles,
# high-risk) in scope.
rm -rf "$AUDITPACK_STORE"
"$AP" -q init --origin test.example/retention || die "init"
profile $'profile:\n  frameworks: [sebi-cscrf, eu-ai-act, iso27001]\n  ai-act: {role: both, risk: high-risk}\n  sebi: {category: qualified}'
logs "$WORK/200.jsonl" 200 0
collect "$WORK/200.jsonl" || die "collect"
expect_exit 0 "assess 200 days of logs" -- "$AP" assess --json
check_of sebi-cscrf PR.AA.S9 | grep -Eq "^fail: .*200 days back; sebi-cscrf PR.AA.S9 asks 2 years" ||
	die "PR.AA.S9: $(check_of sebi-cscrf PR.AA.S9)"
jq -e '.frameworks[] | select(.id == "sebi-cscrf") | .controls[] | select(.label == "PR.AA.S9") | .status == "fail"' \
	"$WORK/out" >/dev/null || die "SEBI's retention control does not fail"
ok "SEBI CSCRF PR.AA.S9 fails against its two years"
check_of eu-ai-act "Art. 19" | grep -Eq "^pass: .*eu-ai-act Art. 19 asks 6 months" ||
	die "Art. 19: $(check_of eu-ai-act "Art. 19")"
check_of eu-ai-act "Art. 26" | grep -Eq "^pass: .*eu-ai-act Art. 26 asks 6 months" ||
	die "Art. 26: $(check_of eu-ai-act "Art. 26")"
ok "the AI Act's Art. 19 and Art. 26(6) retention checks pass against six months"
check_of iso27001 A.8.15 | grep -Eq "^fail: .*sebi-cscrf PR.AA.S9 \(the longest minimum in scope\) asks 2 years" ||
	die "A.8.15: $(check_of iso27001 A.8.15)"
ok "a control without a minimum of its own is held to the longest one in scope"
jq -e '[.findings[] | select(.check == "access-log-retention")] |
	(map(select(.subject == "access logs (sebi-cscrf:PR.AA.S9)" and .controls == ["sebi-cscrf:PR.AA.S9"])) | length == 1) and
	(map(select(.controls | index("eu-ai-act:Art. 19"))) | length == 0)' "$WORK/out" >/dev/null ||
	die "findings: $(jq -c '[.findings[] | select(.check == "access-log-retention") | {subject, controls}]' "$WORK/out")"
ok "SEBI's retention finding names PR.AA.S9 alone; none names Art. 19, which passes"

# retention: lengthens a minimum and never shortens one.
profile $'profile:\n  frameworks: [sebi-cscrf, eu-ai-act]\n  ai-act: {role: both, risk: high-risk}\nretention:\n  access-log: 300d'
expect_exit 0 "assess with retention: 300d" -- "$AP" assess --json
check_of eu-ai-act "Art. 19" | grep -Eq "^fail: .*Art. 19, lengthened by auditpack.yaml retention: asks 300 days" ||
	die "Art. 19 with retention 300d: $(check_of eu-ai-act "Art. 19")"
ok "retention: lengthens the AI Act's six months"
profile $'profile:\n  frameworks: [sebi-cscrf]\nretention:\n  access-log: 30d'
expect_exit 0 "assess with retention: 30d" -- "$AP" assess --json
check_of sebi-cscrf PR.AA.S9 | grep -Eq "^fail: .*asks 2 years" || die "retention: 30d shortened SEBI's minimum"
ok "retention: never shortens a minimum"
# Below high-risk, the AI Act's six months do not bind at all.
profile $'profile:\n  frameworks: [eu-ai-act]\n  ai-act: {role: both, risk: limited}'
expect_exit 0 "assess a limited-risk system" -- "$AP" assess --json
jq -e '.frameworks[0].controls[] | select(.label == "Art. 19") | .status == "not-applicable" and (.reason | test("high-risk AI systems only"))' \
	"$WORK/out" >/dev/null || die "Art. 19 binds a limited-risk system"
ok "Art. 19 binds high-risk systems only"

# A gap: the oldest log is old enough, the ones in between are missing.
rm -rf "$AUDITPACK_STORE"
"$AP" -q init --origin test.example/retention || die "init"
profile $'profile:\n  frameworks: [eu-ai-act]\n  ai-act: {role: both, risk: high-risk}'
logs "$WORK/old.jsonl" 200 199
logs "$WORK/new.jsonl" 3 0
collect "$WORK/old.jsonl" && collect "$WORK/new.jsonl" || die "collect"
expect_exit 0 "assess old and new logs with nothing between" -- "$AP" assess --json
check_of eu-ai-act "Art. 19" | grep -Eq "^fail: logs reach back to 2026-05-30, but 181 days between 2026-05-30T00:00:00Z and 2026-11-27T00:00:00Z are missing" ||
	die "the gap passed: $(check_of eu-ai-act "Art. 19")"
ok "the retention check reports the gap instead of passing on the oldest log"

# A catalogue of one's own can carry a minimum too; a bad one is named.
cat >"$WORK/house.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<catalog xmlns="http://csrc.nist.gov/ns/oscal/1.0" uuid="0b3c8f3e-2f6a-4c8e-9a43-6c1f0d6f4b11">
  <metadata>
    <title>House rules</title>
    <last-modified>2026-11-30T00:00:00Z</last-modified>
    <version>1</version>
    <oscal-version>1.2.1</oscal-version>
  </metadata>
  <control id="logs-1">
    <title>Keep gateway logs</title>
    <prop name="label" value="LOGS-1"/>
    <prop name="retention-access-log" ns="https://auditpack.dev/ns/oscal" value="forever"/>
  </control>
</catalog>
XML
expect_exit 0 "import a catalogue with a retention minimum" -- "$AP" controls import "$WORK/house.xml" --id house
profile $'profile:\n  frameworks: [house]'
expect_exit 3 "prune with a malformed minimum in scope" -- "$AP" prune --before 190d --dry-run
expect_err "house.xml:[0-9]+: retention-access-log 'forever' is not a period" "names the catalogue, line and value"
sed -i 's/value="forever"/value="7mo"/' "$AUDITPACK_STORE/controls/house.xml"
expect_exit 3 "prune inside the house minimum" -- "$AP" prune --before 190d --dry-run
expect_err "house LOGS-1 \(House rules\): access-log evidence must be kept 7 months" "an imported catalogue's minimum holds"

# 2. Logs whose events ended 195 days ago, as their own entry.
rm -rf "$AUDITPACK_STORE"
"$AP" -q init --origin test.example/retention || die "init"
logs "$WORK/195.jsonl" 197 195
collect "$WORK/195.jsonl" || die "collect"
logs "$WORK/now.jsonl" 2 0
collect "$WORK/now.jsonl" || die "collect"
profile $'profile:\n  frameworks: [sebi-cscrf, eu-ai-act]\n  ai-act: {role: both, risk: high-risk}\n  sebi: {category: qualified}'
cp_before=$("$AP" checkpoint)
expect_exit 3 "prune --before 190d with SEBI in scope" -- "$AP" prune --before 190d
expect_err "refusing to prune: entry 0 \(access-log, .*sebi-cscrf PR.AA.S9 \(SEBI .*\): access-log evidence must be kept 2 years" \
	"names SEBI, the control and its two-year minimum"
[ "$("$AP" checkpoint)" = "$cp_before" ] || die "a refused prune changed the store"
"$AP" show 0 --json | jq -e '.erased == false' >/dev/null || die "entry 0 was erased"
ok "nothing was erased"
profile ''
expect_exit 3 "without a profile every framework is in scope" -- "$AP" prune --before 190d
expect_err "sebi-cscrf PR.AA.S9" "SEBI's two years hold by default"
profile $'profile:\n  frameworks: [eu-ai-act]\n  ai-act: {role: both, risk: high-risk}'
expect_exit 0 "the same prune with the AI Act (high-risk) only" -- "$AP" prune --before 190d
expect_out "pruned 1 entry .*: 0$" "erases that entry"
"$AP" show 0 --json | jq -e '.erased == true' >/dev/null || die "entry 0 kept its payload"
"$AP" show 1 --json | jq -e '.erased == false' >/dev/null || die "the recent log was erased"
ok "only the old entry went"
expect_exit 0 "the store verifies after the prune" -- "$AP" verify
echo "1..$checks"

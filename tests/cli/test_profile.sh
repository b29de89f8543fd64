# The deployment profile of auditpack.yaml (DESIGN.md "Collectors"): every
# value is checked where it is written; assess, gate and pack judge only the
# frameworks in scope; controls the profile makes irrelevant are
# not-applicable with the reason, and obligations that bind later carry
# applies_from without failing the gate.
. "$TESTS/cli/lib.sh"
export AUDITPACK_NOW=2026-11-30T00:00:00Z
rm -rf "$AUDITPACK_STORE"
"$AP" -q init --origin test.example/profile || die "init failed"
CFG=$AUDITPACK_STORE/auditpack.yaml
grep -q '^# profile:' "$CFG" || die "init's template does not document profile:"
grep -q 'gpai-systemic' "$CFG" || die "init's template does not list the AI Act risk classes"
ok "init's template documents the profile"

profile() { printf 'origin: test.example/profile\n%s\nsources: []\n' "$1" >"$CFG"; }

# Bad values name the file, line and column, and list what is accepted.
profile $'profile:\n  ai-act: {role: deployer, risk: scary}'
expect_exit 3 "an unknown AI Act risk class" -- "$AP" assess
expect_err "auditpack.yaml:3:34: ai-act risk must be one of high-risk, high-risk-product" "names file:line:column and the classes"
profile $'profile:\n  ai-act: {role: user}'
expect_exit 3 "an unknown AI Act role" -- "$AP" assess
expect_err "auditpack.yaml:3:18: ai-act role must be one of provider, deployer or both" "names the roles"
profile $'profile:\n  sebi: {category: large}'
expect_exit 3 "an unknown SEBI category" -- "$AP" assess
expect_err "auditpack.yaml:3:20: .*mii, qualified, mid-size, small or self-certification" "names the categories"
profile $'profile:\n  hipaa: {role: vendor}'
expect_exit 3 "an unknown HIPAA role" -- "$AP" assess
expect_err "auditpack.yaml:3:17: hipaa role must be one of covered-entity or business-associate" "names the roles"
profile $'profile:\n  frameworks: [gdpr, pci-dss]'
expect_exit 3 "an unknown framework" -- "$AP" assess
expect_err "auditpack.yaml:3:22: profile: unknown framework 'pci-dss'" "names the framework where it is written"
profile $'profile:\n  colour: blue'
expect_exit 3 "an unknown profile key" -- "$AP" assess
expect_err "auditpack.yaml:3:3: .*colour" "names the key"
profile $'retention:\n  access-log: soon'
expect_exit 3 "a retention period that is not one" -- "$AP" assess
expect_err "auditpack.yaml:3:15: retention: access-log must be a period" "names the value"
profile $'retention:\n  logs: 2y'
expect_exit 3 "retention of an unknown kind" -- "$AP" assess
expect_err "auditpack.yaml:3:3: retention: unknown evidence kind 'logs'" "names the kind"
expect_exit 3 "collect reads the same file" -- "$AP" collect
[ "$("$AP" list --json)" = "[]" ] || die "a bad profile let collect record something"
ok "a bad profile records nothing"

# Scope: only the frameworks of the profile, by default.
profile $'profile:\n  frameworks: [gdpr, iso27001]'
expect_exit 0 "assess with a profile" -- "$AP" assess --json
[ "$(jq -r '[.frameworks[].id] | join(",")' "$WORK/out")" = "gdpr,iso27001" ] ||
	die "assess judged $(jq -r '[.frameworks[].id] | join(",")' "$WORK/out")"
ok "assess judges the frameworks in scope"
expect_exit 0 "assess --framework still chooses" -- "$AP" assess --json --framework hipaa
[ "$(jq -r '[.frameworks[].id] | join(",")' "$WORK/out")" = "hipaa" ] || die "--framework ignored"
ok "an explicit --framework wins over the profile"
expect_exit 1 "gate without --policy or --framework judges the profile's frameworks" -- "$AP" gate
grep -Eq "^FAIL (gdpr|iso27001):" "$WORK/out" || { cat "$WORK/out"; die "gate judged no profile framework"; }
grep -Eq "^FAIL (hipaa|sebi-cscrf|eu-ai-act)" "$WORK/out" && die "gate judged a framework out of scope"
ok "gate judges only the profile's frameworks"
expect_exit 0 "pack without --framework" -- "$AP" pack -o "$WORK/p.zip"
unzip -p "$WORK/p.zip" reports/assessment.json | jq -e '[.frameworks[].id] == ["gdpr","iso27001"]' >/dev/null ||
	die "pack did not use the profile's frameworks"
ok "pack packs the profile's frameworks"
profile ''
expect_exit 2 "gate with neither a policy nor a profile" -- "$AP" gate
expect_exit 0 "assess without a profile judges every framework" -- "$AP" assess --json
[ "$(jq '.frameworks | length' "$WORK/out")" -ge 8 ] || die "not every framework"
ok "no profile: every framework"

# Applicability (It must show 3): a deployer of an Annex III high-risk system.
profile $'profile:\n  frameworks: [eu-ai-act, sebi-cscrf, hipaa]\n  ai-act: {role: deployer, risk: high-risk}\n  sebi: {category: mid-size}\n  hipaa: {role: business-associate}'
expect_exit 0 "controls FW LABEL --json" -- "$AP" controls eu-ai-act "Art. 26" --json
jq -e '.applies_from == "2027-12-02" and .applicability.status == "applies" and .applies_from_by_class["high-risk-product"] == "2028-08-02"' "$WORK/out" >/dev/null ||
	{ cat "$WORK/out"; die "Art. 26 does not show 2 December 2027"; }
ok "controls shows when Art. 26 binds this deployment"
expect_exit 0 "controls FW LABEL" -- "$AP" controls eu-ai-act "Art. 16"
expect_out "not-applicable: Art. 16 binds providers; this deployment is a deployer" "says why Art. 16 does not bind"
expect_exit 0 "assess as of 15 December 2026" -- "$AP" assess --json --framework eu-ai-act --at 2026-12-15T00:00:00Z
jq -e '.frameworks[0].controls[] | select(.label == "Art. 26") | .applies_from == "2027-12-02T00:00:00Z" and .status == "missing"' "$WORK/out" >/dev/null ||
	die "Art. 26 lacks applies_from in assess --json"
ok "Art. 26 is evaluated and carries applies_from"
jq -e '.frameworks[0].controls[] | select(.label == "Art. 16") | .status == "not-applicable" and .reason == "Art. 16 binds providers; this deployment is a deployer"' "$WORK/out" >/dev/null ||
	die "Art. 16 is not not-applicable with its reason"
jq -e '.frameworks[0].controls[] | select(.label == "Art. 55") | .status == "not-applicable" and (.reason | test("Art. 55 binds providers"))' "$WORK/out" >/dev/null ||
	die "Art. 55 binds a high-risk deployer"
ok "Art. 16 and Art. 55 are not-applicable with the reason"
jq -e '.frameworks[0].controls[] | select(.label == "Art. 4") | has("applies_from") | not' "$WORK/out" >/dev/null ||
	die "Art. 4 carries a date"
ok "obligations already binding carry no applies_from"
expect_exit 0 "assess SEBI and HIPAA" -- "$AP" assess --json --framework sebi-cscrf,hipaa
jq -e '.frameworks[0].controls[] | select(.label == "PR.DS.S6") | .status == "not-applicable" and .reason == "PR.DS.S6 applies to mii and qualified REs; this deployment is a mid-size RE"' "$WORK/out" >/dev/null ||
	die "PR.DS.S6 applies to a mid-size RE"
jq -e '.frameworks[1].controls[] | select(.label == "164.314(b)(1)") | .status == "not-applicable" and (.reason | test("business-associate"))' "$WORK/out" >/dev/null ||
	die "164.314(b)(1) binds a business associate"
jq -e '.frameworks[1].controls[] | select(.label == "164.308(a)(1)(i)") | .status != "not-applicable"' "$WORK/out" >/dev/null ||
	die "164.308(a)(1)(i) does not bind a business associate"
ok "SEBI category and HIPAA role decide applicability"
expect_exit 0 "gate on the AI Act as of 15 December 2026" -- "$AP" gate --framework eu-ai-act --at 2026-12-15T00:00:00Z
grep -q "^FAIL.*Art. 26" "$WORK/out" && { cat "$WORK/out"; die "the gate fails on Art. 26, which binds from 2027"; }
expect_out "not yet binding" "the gate counts what binds later"
expect_out "^LATER eu-ai-act:Art\\. 26 .* binds from 2027-12-02, not judged yet: missing" "a LATER line names it"
expect_exit 0 "gate with JUnit" -- "$AP" gate --framework eu-ai-act --at 2026-12-15T00:00:00Z --junit "$WORK/j.xml"
grep -q "LATER binds from 2027-12-02, not judged yet: missing" "$WORK/j.xml" || die "JUnit lacks the LATER note"
grep -q 'skipped message="not-applicable: Art. 16 binds providers; this deployment is a deployer"' "$WORK/j.xml" ||
	die "JUnit does not say why Art. 16 is skipped"
ok "JUnit notes it in system-out"
expect_exit 0 "assess as text" -- "$AP" assess --framework eu-ai-act --at 2026-12-15T00:00:00Z
expect_out "missing +Art\\. 26 +\\(binds from 2027-12-02\\)" "assess says when it binds"
"$AP" list --kind gate-decision --json | jq -e 'last | .attrs.not_yet_binding |
	map(select(.control == "eu-ai-act:Art. 26" and .applies_from == "2027-12-02T00:00:00Z" and .status == "missing")) | length == 1' >/dev/null ||
	die "the decision record does not list Art. 26 as not yet binding"
ok "the decision record lists what was not judged yet"
ok "the gate does not fail on an obligation that binds later"
printf 'frameworks: [eu-ai-act]\nupcoming: 365d\n' >"$WORK/upcoming.yaml"
expect_exit 1 "gate with upcoming: 365d" -- "$AP" gate --policy "$WORK/upcoming.yaml" --at 2026-12-15T00:00:00Z
expect_out "^FAIL eu-ai-act:Art\\. 26" "obligations starting within 'upcoming' count"
printf 'frameworks: [eu-ai-act]\nupcoming: 30d\n' >"$WORK/upcoming.yaml"
expect_exit 0 "gate with upcoming: 30d" -- "$AP" gate --policy "$WORK/upcoming.yaml" --at 2026-12-15T00:00:00Z
grep -q "^FAIL.*Art. 26" "$WORK/out" && die "upcoming: 30d counts an obligation a year away"
ok "obligations beyond 'upcoming' still do not"
expect_exit 0 "pack as of 15 December 2026" -- "$AP" pack --framework eu-ai-act --at 2026-12-15T00:00:00Z -o "$WORK/ai.zip"
unzip -p "$WORK/ai.zip" reports/summary.html | grep -q "applies from 2027-12-02" || die "the HTML summary lacks applies_from"
unzip -p "$WORK/ai.zip" reports/assessment-results.xml | grep -q 'name="applies-from" ns="https://auditpack.dev/ns[^"]*" value="2027-12-02"' ||
	die "the OSCAL results lack applies-from"
unzip -p "$WORK/ai.zip" reports/assessment-results.xml >"$WORK/ar.xml"
xmllint --noout --nonet --schema "$TESTS/../controls/schema/oscal_assessment-results_schema.xsd" "$WORK/ar.xml" 2>/dev/null ||
	die "the OSCAL results with applies-from do not validate"
ok "HTML and OSCAL results carry applies_from"

# The GDPR / AI Act retention conflict is reported only where the AI Act's
# six-month log duty binds (high-risk systems).
profile $'profile:\n  frameworks: [gdpr, eu-ai-act]\n  ai-act: {role: deployer, risk: limited}'
expect_exit 0 "assess a limited-risk deployment" -- "$AP" assess --json
jq -e '[.conflicts[] | select(.controls | index("eu-ai-act:Art. 19"))] | length == 0' "$WORK/out" >/dev/null ||
	die "a conflict with a duty that does not bind is reported"
profile $'profile:\n  frameworks: [gdpr, eu-ai-act]\n  ai-act: {role: deployer, risk: high-risk}'
expect_exit 0 "assess a high-risk deployment" -- "$AP" assess --json
jq -e '[.conflicts[] | select(.controls | index("eu-ai-act:Art. 19"))] | length == 1' "$WORK/out" >/dev/null ||
	die "the GDPR / AI Act conflict is not reported for a high-risk system"
ok "the storage-limitation conflict follows the AI Act risk class"
echo "1..$checks"

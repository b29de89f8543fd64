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
echo "1..$checks"

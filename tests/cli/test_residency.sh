# Residency by jurisdiction (It must show 4): region lists per jurisdiction
# are data (mappings/regions/*.txt); with residency: [in] a data_region
# outside India fails SEBI CSCRF PR.DS.S2 naming the region; with GDPR in
# scope a region outside the EU/EEA and the adequacy list fails Art. 44
# unless a transfer document (type transfer-assessment or scc) is on file.
. "$TESTS/cli/lib.sh"
export AUDITPACK_NOW=2026-11-30T00:00:00Z
CFG=$AUDITPACK_STORE/auditpack.yaml
profile() { printf 'origin: test.example/residency\n%s\nsources: []\n' "$1" >"$CFG"; }
region() { # REGION: a configuration snapshot of the gateway with that data_region
	mkdir -p "$WORK/etc"
	printf 'listen: 8443\ndata_region: %s\n' "$1" >"$WORK/etc/gateway.yaml"
	"$AP" -q collect config --name gateway-config "$WORK/etc/gateway.yaml" || die "collect config"
}
# result FW LABEL CHECK: "status: detail" of that check for that control
result() {
	jq -r --arg fw "$1" --arg l "$2" --arg k "$3" '.frameworks[] | select(.id == $fw) | .controls[] |
		select(.label == $l) | .checks[] | select(.id == $k) | .status + ": " + .detail' "$WORK/out"
}
rm -rf "$AUDITPACK_STORE"
"$AP" -q init --origin test.example/residency || die "init"
for f in in eu eu-adequacy us; do
	[ -s "$TESTS/../mappings/regions/$f.txt" ] || die "no region list $f.txt"
done
grep -q '^ap-south-1 ' "$TESTS/../mappings/regions/in.txt" && grep -q '^centralindia ' "$TESTS/../mappings/regions/in.txt" &&
	grep -q '^asia-south1 ' "$TESTS/../mappings/regions/in.txt" || die "in.txt lacks an AWS, Azure or GCP region"
ok "region lists per jurisdiction ship as data, with AWS, Azure and GCP names"

profile $'profile:\n  residency: [in, mars]'
expect_exit 3 "an unknown residency" -- "$AP" assess
expect_err "auditpack.yaml:3:19: profile: no region list for residency 'mars' \(known: eu, eu-adequacy, in, us;" "names file:line:column and the known lists"

profile $'profile:\n  frameworks: [sebi-cscrf, iso27001]\n  residency: [in]'
region eu-west-1
expect_exit 0 "assess with data_region eu-west-1" -- "$AP" assess --json
result sebi-cscrf PR.DS.S2 data-residency | grep -Eq "^fail: region eu-west-1 \(aws +Ireland, the EU/EEA\), set as .*data_region in gateway-config .* is outside India" ||
	die "PR.DS.S2: $(result sebi-cscrf PR.DS.S2 data-residency)"
jq -e '.frameworks[] | select(.id == "sebi-cscrf") | .controls[] | select(.label == "PR.DS.S2") | .status == "fail" and (.reason | test("eu-west-1"))' \
	"$WORK/out" >/dev/null || die "PR.DS.S2 does not fail naming eu-west-1"
result iso27001 A.5.31 data-residency | grep -q "^fail: region eu-west-1" || die "A.5.31 ignores residency: [in]"
ok "eu-west-1 fails SEBI PR.DS.S2 (and ISO A.5.31), naming the region"
jq -e '[.findings[] | select(.check == "data-residency")] |
	(map(select(.subject == "region eu-west-1 (sebi-cscrf:PR.DS.S2)" and .controls == ["sebi-cscrf:PR.DS.S2"])) | length == 1) and
	(map(select(.subject == "region eu-west-1" and (.controls | index("iso27001:A.5.31")))) | length == 1) and
	all(.remediation | length > 0)' "$WORK/out" >/dev/null ||
	die "findings: $(jq -c '[.findings[] | select(.check == "data-residency") | {subject, controls}]' "$WORK/out")"
ok "one finding per region and control that judges it, each with what to do"
region ap-south-1
expect_exit 0 "assess with data_region ap-south-1" -- "$AP" assess --json
result sebi-cscrf PR.DS.S2 data-residency | grep -Eq "^pass: region ap-south-1 \(aws +Mumbai, India\)" ||
	die "PR.DS.S2: $(result sebi-cscrf PR.DS.S2 data-residency)"
ok "ap-south-1 passes"
region centralindia
expect_exit 0 "assess with an Azure region" -- "$AP" assess --json
result sebi-cscrf PR.DS.S2 data-residency | grep -q "^pass: region centralindia" || die "Azure centralindia is not India"
region moon-base-1
expect_exit 0 "assess with a region in no list" -- "$AP" assess --json
result sebi-cscrf PR.DS.S2 data-residency | grep -q "^fail: region moon-base-1 (in no region list" || die "an unknown region passed"
ok "Azure names are known; a region in no list fails"

# GDPR: Art. 44.
profile $'profile:\n  frameworks: [gdpr, sebi-cscrf]\n  residency: [in]'
region ap-south-1
expect_exit 0 "assess GDPR with ap-south-1" -- "$AP" assess --json
result gdpr "Art. 44" data-transfer-safeguards | grep -Eq "^fail: region ap-south-1 \(aws +Mumbai, India\), .* is outside the EU/EEA and the countries with an EU adequacy decision, and no transfer document" ||
	die "Art. 44: $(result gdpr "Art. 44" data-transfer-safeguards)"
result sebi-cscrf PR.DS.S2 data-residency | grep -q "^pass" || die "PR.DS.S2 with ap-south-1"
ok "ap-south-1 fails GDPR Art. 44 without a transfer document"
region europe-west2
expect_exit 0 "assess GDPR with London (adequacy)" -- "$AP" assess --json
result gdpr "Art. 44" data-transfer-safeguards | grep -q "^pass: region europe-west2" || die "an adequacy country fails Art. 44"
ok "a country with an adequacy decision passes Art. 44"
region ap-south-1
printf 'Standard contractual clauses, module 1\n' >"$WORK/scc.txt"
"$AP" -q collect file --type scc "$WORK/scc.txt" || die "collect scc"
expect_exit 0 "assess GDPR with SCCs on file" -- "$AP" assess --json
result gdpr "Art. 44" data-transfer-safeguards | grep -Eq "^pass: region ap-south-1 .*a transfer document is on file \(entry [0-9]+, type scc\)" ||
	die "Art. 44 with SCCs: $(result gdpr "Art. 44" data-transfer-safeguards)"
ok "a transfer document on file makes Art. 44 pass"
echo "1..$checks"

# The pre-release gate (docs/ci.md): a policy that the evidence meets
# passes, a failing check, stale and missing evidence fail it, an exclusion
# with a justification takes a control out, a tampered store fails before
# anything is judged, bad policies are named by file:line, JUnit is well
# formed, and every decision is a signed entry that verifies.
. "$TESTS/cli/lib.sh"
command -v xmllint >/dev/null || die "xmllint (libxml2-utils) is needed"
export AUDITPACK_NOW=$DEPLOY_T0
make_deployment test.example/gate
T0=$DEPLOY_T0
T5=2026-11-27T06:05:00Z

# The fixture's rbi-free-ai controls pass or are manual except these, which
# lack evidence or fail; the required ones pass.
excludes() {
	cat <<'YAML'
exclude:
  - control: "rbi-free-ai:Recommendation 14"
    justification: "the board's AI policy is held by the company secretary"
  - {control: "rbi-free-ai:rec-15", justification: "prompts are never logged: no masking to check"}
  - {control: "rbi-free-ai:rec-16", justification: "model lifecycle governed in the bank's MRM tool"}
  - {control: "rbi-free-ai:rec-17", justification: "model lifecycle governed in the bank's MRM tool"}
  - {control: "rbi-free-ai:rec-18", justification: "no customer-facing output: moderation not used"}
  - {control: "rbi-free-ai:rec-19", justification: "no customer-facing output: moderation not used"}
  - {control: "rbi-free-ai:rec-20", justification: "red-team exercise scheduled for Q1"}
YAML
	[ "${1:-}" = without-rec-22 ] || cat <<'YAML'
  - control: "rbi-free-ai:Recommendation 22"
    justification: "the group incident response plan applies; see the ISMS"
YAML
}
policy() { # FILE [without-rec-22]: the passing policy, or one exclude short
	{
		printf '# gate policy of the test deployment\n'
		printf 'frameworks: [rbi-free-ai]\nrequire:\n'
		printf '  - "iso27001:A.5.9"\n  - "hipaa:164.312(a)(2)(i)"\n  - sebi-cscrf:id.am.s1\n'
		excludes "${2:-}"
		printf 'fail-on: [fail, stale, missing]\nmax-age: 30d\nwarn-before: 2d\n'
	} >"$1"
}
policy "$WORK/pass.yaml"
ndecisions() { db "SELECT count(*) FROM entries WHERE kind = 'gate-decision'"; }
# decision INDEX PYTHON-ASSERTIONS: `d` is the entry as `show --json` gives it
decision() {
	"$AP" show "$1" --json >"$WORK/d.json" || die "show $1"
	python3 - "$WORK/d.json" "$2" <<'PY' || die "decision $1: $2"
import json, sys
d = json.load(open(sys.argv[1]))
a = d["attrs"]
exec(sys.argv[2])
PY
}
policy_sha256() { # of the last decision()
	python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["attrs"]["policy_sha256"])' "$WORK/d.json"
}
nfail_lines() { grep -c '^FAIL ' "$WORK/out" || true; }
nfailures() { grep -o '<failure ' "$1" | wc -l; }
entry_of_summary() { sed -n 's/.*decision recorded as entry \([0-9]*\)$/\1/p' "$WORK/out"; }

# 1. A policy whose controls pass: frameworks, required controls, excludes.
expect_exit 0 "a policy the evidence meets passes" -- \
	"$AP" gate --policy "$WORK/pass.yaml" --junit "$WORK/pass.xml" --release rel-1
expect_out '^gate: passed: 36 controls in scope, 8 excluded, 1 warning; decision recorded as entry 2$' \
	"the summary counts controls, exclusions and warnings"
[ "$(nfail_lines)" = 0 ] || die "FAIL lines on a pass"
expect_out '^WARN hipaa:164\.312\(a\)\(2\)\(i\) Unique user identification — goes stale by 2026-11-29T06:00:00Z: requests-attributed: ' \
	"warn-before names a control that goes stale within it, and when"
xmllint --noout "$WORK/pass.xml" || die "JUnit of a pass is not well-formed"
grep -q '<testsuites name="auditpack gate" tests="36" failures="0" errors="0">' "$WORK/pass.xml" ||
	die "testsuites totals"
[ "$(grep -c '<testsuite ' "$WORK/pass.xml")" = 4 ] || die "one testsuite per framework in scope"
[ "$(grep -c '<testcase ' "$WORK/pass.xml")" = 36 ] || die "one testcase per control in scope"
grep -q '<skipped message="excluded: the group incident response plan applies; see the ISMS"/>' \
	"$WORK/pass.xml" || die "an excluded control is skipped with its justification"
ok "JUnit of a pass: well-formed, 4 suites, 36 testcases, 0 failures, 8 skipped"
decision 2 '
assert d["kind"] == "gate-decision" and d["source"] == "gate" and d["subject"] == "rel-1", d
assert d["collected"] == "2026-11-27T06:00:00Z" and d["effective"]["from"] == d["collected"]
assert a["verdict"] == "pass" and a["release"] == "rel-1" and a["at"] == "2026-11-27T06:00:00Z"
assert a["failing"] == [] and a["warnings"] == 1 and a["in_scope"] == 36
assert a["frameworks"] == ["rbi-free-ai"]
assert a["required"] == ["iso27001:A.5.9", "hipaa:164.312(a)(2)(i)", "sebi-cscrf:ID.AM.S1"], a["required"]
assert a["fail_on"] == ["fail", "stale", "missing"] and a["max_age_seconds"] == 30 * 86400
assert len(a["excluded"]) == 8 and all(x["justification"] for x in a["excluded"])
assert a["counts"]["not-applicable"] == 8 and sum(a["counts"].values()) == 36
assert a["checkpoint"]["size"] == 2 and a["policy"].endswith("pass.yaml")
'
[ "$(policy_sha256)" = "$(sha256sum <"$WORK/pass.yaml" | cut -d' ' -f1)" ] ||
	die "policy_sha256 is not the policy file's"
"$AP" show 2 --payload >"$WORK/payload" || die "show --payload"
cmp -s "$WORK/payload" "$WORK/pass.yaml" || die "the decision does not carry the policy"
ok "the decision records verdict, release, scope and exclusions; it carries the policy and its SHA-256"
expect_exit 0 "-q: a pass prints nothing" -- "$AP" -q gate --policy "$WORK/pass.yaml"
[ ! -s "$WORK/out" ] || { cat "$WORK/out"; die "-q printed on a pass"; }
ok "not even the warning"

# 2. Missing evidence fails; the same control excluded with a reason does not.
policy "$WORK/short.yaml" without-rec-22
expect_exit 1 "a control without evidence of its kind fails the gate" -- "$AP" gate --policy "$WORK/short.yaml"
expect_out '^FAIL rbi-free-ai:Recommendation 22 .* — missing: incident-response-plan-present: no document evidence of type incident-response-plan has been collected$' \
	"the FAIL line names the control, the status and the reason"
expect_out '^gate: FAILED: 1 of 36 controls fails the policy \(1 missing\); 1 warning; decision recorded as entry [0-9]+$' \
	"the summary counts the failure by status"
expect_exit 0 "the same store with the exclude and its justification passes" -- "$AP" gate --policy "$WORK/pass.yaml"

# 3. max-age: evidence the checks still accept is stale under the policy.
printf 'require: ["iso27001:A.5.9"]\n' >"$WORK/model.yaml"
expect_exit 0 "the model registry two days on, without max-age" -- \
	"$AP" gate --policy "$WORK/model.yaml" --at 2026-11-29T06:00:00Z
printf 'require: ["iso27001:A.5.9"]\nmax-age: 1d\n' >"$WORK/model.yaml"
expect_exit 0 "with max-age 1d, on the day" -- "$AP" gate --policy "$WORK/model.yaml"
expect_exit 1 "with max-age 1d, two days on (--at)" -- \
	"$AP" gate --policy "$WORK/model.yaml" --at 2026-11-29T06:00:00Z
expect_out '^FAIL iso27001:A\.5\.9 Inventory of information and associated assets — stale: model-registry-fresh: the newest model-version evidence is 2 days old; the check allows 1 day$' \
	"it is stale, with the age and the bound"
expect_out '\(1 stale\)' "counted as stale"
decision "$(entry_of_summary)" '
assert a["verdict"] == "fail" and a["at"] == "2026-11-29T06:00:00Z" and a["max_age_seconds"] == 86400
assert [f["control"] for f in a["failing"]] == ["iso27001:A.5.9"] and a["failing"][0]["status"] == "stale"
assert a["release"] is None and d["subject"] == "-"
'
ok "the failing decision is recorded with the stale control"

# 4. Without --policy: --framework and the default policy.
expect_exit 2 "neither --policy nor --framework" -- "$AP" gate
expect_err "give --policy FILE or --framework" "says what is needed"
expect_exit 2 "an unknown --framework" -- "$AP" gate --framework iso9001
expect_exit 2 "a --release with a control character" -- "$AP" gate --framework gdpr --release "$(printf 'v1\tx')"
expect_exit 2 "a --release that is not UTF-8" -- "$AP" gate --framework gdpr --release "$(printf 'v1\377')"
expect_exit 1 "--framework alone: the default policy (missing evidence fails)" -- \
	"$AP" gate --framework rbi-free-ai,rbi-free-ai --release "v1.2.3 (build 7)"
entry=$(entry_of_summary)
decision "$entry" '
assert a["policy"] is None and a["frameworks"] == ["rbi-free-ai"] and a["required"] == []
assert a["fail_on"] == ["fail", "stale", "missing"] and a["max_age_seconds"] is None
assert a["release"] == "v1.2.3 (build 7)" and d["subject"] == "v1.2.3 (build 7)"
assert {f["status"] for f in a["failing"]} == {"fail", "missing"}
'
"$AP" show "$entry" --payload >"$WORK/payload" || die "show --payload"
grep -qx 'frameworks: \[rbi-free-ai\]' "$WORK/payload" || die "the default policy text"
[ "$(sha256sum <"$WORK/payload" | cut -d' ' -f1)" = "$(policy_sha256)" ] ||
	die "policy_sha256 of the default policy"
ok "the default policy is recorded as text, with its SHA-256"
expect_exit 1 "--framework replaces the policy's frameworks; require and exclude still apply" -- \
	"$AP" gate --policy "$WORK/pass.yaml" --framework iso42001
decision "$(entry_of_summary)" '
assert a["frameworks"] == ["iso42001"] and len(a["required"]) == 3 and len(a["excluded"]) == 8
assert all(f["control"].startswith("iso42001:") for f in a["failing"])
'
ok "the decision records the frameworks actually judged"

expect_exit 1 "examples/gate-policy.yaml is a valid policy (this deployment fails it)" -- \
	"$AP" gate --policy "$TESTS/../examples/gate-policy.yaml"
expect_out '^FAIL gdpr:Art\. 32 ' "its required controls are judged"
! grep -q '^FAIL eu-ai-act:Art\. 73 ' "$WORK/out" || die "an excluded control failed"
ok "its excluded controls are not"

# 5. A failing check: an unregistered model serves requests.
printf '{"ts":"2026-11-27T05:58:00Z","user":"u1","model":"credit-risk-llm","version":"7","status":200}\n' >>"$WORK/gw.jsonl"
AUDITPACK_NOW=$T5 gw "$WORK/gw.jsonl" || die "collect the new log line"
expect_exit 0 "as of before it was collected the gate still passes" -- \
	"$AP" gate --policy "$WORK/pass.yaml" --at "$T0"
expect_exit 1 "one failing check fails the gate" -- \
	"$AP" gate --policy "$WORK/pass.yaml" --at "$T5" --junit "$WORK/fail.xml" --release rel-2
expect_out '^FAIL iso27001:A\.5\.9 Inventory of information and associated assets — fail: models-registered: model credit-risk-llm v7 served 1 requests but is not in the registry$' \
	"the FAIL line names the control and the reason"
expect_out '^FAIL sebi-cscrf:ID\.AM\.S1 ' "and every other control in scope that check maps to"
expect_out '^gate: FAILED: 3 of 36 controls fail the policy \(3 fail\); 1 warning; decision recorded as entry [0-9]+$' \
	"the summary"
cp "$WORK/out" "$WORK/fail.out"
xmllint --noout "$WORK/fail.xml" || die "JUnit of a failure is not well-formed"
[ "$(nfailures "$WORK/fail.xml")" = "$(nfail_lines)" ] || die "<failure> count != FAIL lines"
grep -q '<failure message="fail: models-registered: model credit-risk-llm v7 served 1 requests but is not in the registry" type="fail">' \
	"$WORK/fail.xml" || die "the failure's message and type"
grep -q 'failures="3"' "$WORK/fail.xml" || die "failures total"
python3 - "$WORK/fail.xml" <<'PY' || die "JUnit structure"
import xml.etree.ElementTree as ET, sys
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "testsuites" and root.get("name") == "auditpack gate"
total = 0
for s in root.findall("testsuite"):
    cases = s.findall("testcase")
    fails = sum(1 for c in cases if c.find("failure") is not None)
    skips = sum(1 for c in cases if c.find("skipped") is not None)
    assert int(s.get("tests")) == len(cases) and int(s.get("failures")) == fails
    assert int(s.get("skipped")) == skips and s.get("errors") == "0"
    assert all(c.get("classname") == s.get("name") for c in cases)
    total += fails
assert total == int(root.get("failures")) == 3
body = [c for s in root for c in s.findall("testcase") if c.get("name").startswith("A.5.9 ")][0].find("failure").text
assert "check models-registered: fail:" in body and "evidence entries:" in body, body
PY
ok "JUnit of a failure: well-formed, $(nfail_lines) <failure> elements for $(nfail_lines) FAIL lines, counts per suite"
decision "$(entry_of_summary)" '
assert a["verdict"] == "fail" and a["release"] == "rel-2" and d["subject"] == "rel-2"
f = {x["control"]: x for x in a["failing"]}
assert set(f) == {"iso27001:A.5.9", "rbi-free-ai:Recommendation 23", "sebi-cscrf:ID.AM.S1"}, set(f)
x = f["iso27001:A.5.9"]
assert x["status"] == "fail" and "v7 served 1 requests but is not in the registry" in x["reason"]
assert x["evidence"], x
assert a["counts"]["fail"] == 3
'
ok "the decision lists every failing control with status, reason and evidence"
expect_exit 1 "-q: a failure still prints its FAIL lines" -- "$AP" -q gate --policy "$WORK/pass.yaml" --at "$T5"
[ "$(nfail_lines)" = 3 ] && ! grep -q '^WARN ' "$WORK/out" || { cat "$WORK/out"; die "-q on a failure"; }
ok "three FAIL lines and no WARN lines"
# Hostile text from the evidence: control characters and markup.
printf '{"ts":"2026-11-27T06:08:00Z","user":"u1","model":"x\\u0007\\u001b[31m</failure>&","version":"9","status":200}\n' >>"$WORK/gw.jsonl"
AUDITPACK_NOW=2026-11-27T06:10:00Z gw "$WORK/gw.jsonl" || die "collect the hostile line"
expect_exit 1 "a model name with control characters and markup" -- \
	"$AP" gate --policy "$WORK/pass.yaml" --at 2026-11-27T06:10:00Z --junit "$WORK/hostile.xml"
! grep -q "$(printf '[\001-\010\013\014\016-\037]')" "$WORK/out" "$WORK/hostile.xml" ||
	die "a control character reached the output"
xmllint --noout "$WORK/hostile.xml" || die "JUnit with hostile text is not well-formed"
[ "$(nfailures "$WORK/hostile.xml")" = "$(nfail_lines)" ] || die "<failure> count != FAIL lines"
ok "no control character on stdout or in JUnit, which stays well-formed"

# 6. Bad policies: file:line:column, exit 3, nothing recorded.
before=$(ndecisions)
size=$(db "SELECT count(*) FROM entries")
bad_policy() { # description, expected stderr; policy on stdin
	cat >"$WORK/bad.yaml"
	expect_exit 3 "$1" -- "$AP" gate --policy "$WORK/bad.yaml" --junit "$WORK/bad.xml"
	expect_err "$2" "$1: names file:line:column"
}
bad_policy "an unknown key" "bad\.yaml:3:1: unknown key 'fail_on' in the policy \(expected frameworks, require, exclude, fail-on, max-age, warn-before, upcoming\)" <<'YAML'
frameworks: [iso27001]
# fail-on is spelt with a dash
fail_on: [fail]
YAML
bad_policy "an exclude without a justification" "bad\.yaml:4:5: the exclude of iso27001:A\.7\.4 has no 'justification'" <<'YAML'
frameworks: [iso27001]
exclude:
  - {control: "iso27001:A.5.1", justification: "covered by the group policy"}
  - control: "iso27001:A.7.4"
YAML
bad_policy "an empty justification" "bad\.yaml:3:48: the justification of iso27001:A\.7\.4 must be a non-empty string" <<'YAML'
frameworks: [iso27001]
exclude:
  - {control: "iso27001:A.7.4", justification: ""}
YAML
bad_policy "an unknown control" "bad\.yaml:4:5: unknown control 'hipaa:164\.312\(z\)': hipaa has no control '164\.312\(z\)'" <<'YAML'
frameworks: [iso27001]
require:
  - "hipaa:164.312(b)"
  - "hipaa:164.312(z)"
YAML
bad_policy "an unknown framework" "bad\.yaml:1:24: unknown framework 'iso9001'" <<'YAML'
frameworks: [iso27001, iso9001]
YAML
bad_policy "a bad duration" "bad\.yaml:2:10: 'max-age' must be a duration like 7d" <<'YAML'
frameworks: [iso27001]
max-age: a week
YAML
bad_policy "a bad warn-before" "bad\.yaml:2:14: 'warn-before' must be a duration" <<'YAML'
frameworks: [iso27001]
warn-before: 2x
YAML
bad_policy "an unknown status" "bad\.yaml:2:17: unknown status 'late' in fail-on" <<'YAML'
frameworks: [iso27001]
fail-on: [fail, late]
YAML
bad_policy "pass in fail-on" "bad\.yaml:2:10: 'pass' cannot fail the gate" <<'YAML'
frameworks: [iso27001]
fail-on: pass
YAML
bad_policy "a map where a list belongs" "bad\.yaml:1:13: 'frameworks' must be a list" <<'YAML'
frameworks: {iso27001: yes}
YAML
bad_policy "a YAML syntax error" "bad\.yaml:2:8: did not find expected" <<'YAML'
frameworks: [iso27001
require: []
YAML
bad_policy "nothing in scope" "bad\.yaml:1:1: the policy puts no control in scope" <<'YAML'
fail-on: [fail]
YAML
expect_exit 3 "a policy file that does not exist" -- "$AP" gate --policy "$WORK/nope.yaml"
[ "$(ndecisions)" = "$before" ] && [ "$(db "SELECT count(*) FROM entries")" = "$size" ] ||
	die "a bad policy recorded something"
[ ! -e "$WORK/bad.xml" ] || die "a bad policy wrote JUnit"
ok "no bad policy recorded a decision or wrote JUnit"

# 7. Every decision is in the log, and the log still verifies.
"$AP" list --kind gate-decision --json >"$WORK/list.json" || die "list"
python3 - "$WORK/list.json" "$(ndecisions)" <<'PY' || die "list --kind gate-decision"
import json, sys
v = json.load(open(sys.argv[1]))
assert len(v) == int(sys.argv[2]) and len(v) >= 10, len(v)
verdicts = {e["attrs"]["verdict"] for e in v}
assert verdicts == {"pass", "fail"}, verdicts
for e in v:
    a = e["attrs"]
    assert e["kind"] == "gate-decision" and len(a["policy_sha256"]) == 64
    assert isinstance(a["failing"], list) and (a["verdict"] == "pass") == (a["failing"] == [])
    # judged under the lock: the store as it was just before the decision
    assert set(a["checkpoint"]) == {"size", "root"} and a["checkpoint"]["size"] == e["index"]
PY
ok "list --kind gate-decision --json shows every decision, passes and failures, with verdict, policy_sha256, failing"
expect_exit 0 "verify passes after the decisions" -- "$AP" verify
last=$("$AP" list --kind gate-decision --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[-1]["index"])')
expect_exit 0 "the next pack" -- "$AP" pack --framework iso27001 -o "$WORK/after-gate.zip"
expect_exit 0 "verifies" -- "$AP" verify-pack "$WORK/after-gate.zip"
unzip -p "$WORK/after-gate.zip" "evidence/$last.leaf" | grep -qx "kind gate-decision" ||
	die "the pack lacks the last gate decision's leaf"
unzip -p "$WORK/after-gate.zip" "evidence/$last.attrs.json" | grep -q '"policy_sha256"' ||
	die "the pack lacks the decision's attrs"
unzip -p "$WORK/after-gate.zip" "evidence/$last.payload" | cmp -s - <("$AP" show "$last" --payload) ||
	die "the pack's copy of the decision's policy differs"
ok "the last gate decision (entry $last) is in the next pack with its policy, and the pack verifies"

# A JUnit file that cannot be written: exit 3, and no decision without it.
before=$(ndecisions)
expect_exit 3 "--junit into a directory that does not exist" -- \
	"$AP" gate --framework iso27001 --junit "$WORK/no/such/dir/junit.xml"
expect_err "--junit" "names the option"
[ "$(ndecisions)" = "$before" ] || die "a gate whose JUnit failed recorded a decision"
ok "no decision recorded when the JUnit report could not be written"

# 8. A tampered store fails the gate before anything is judged.
cp -r "$AUDITPACK_STORE" "$WORK/pristine"
before=$(ndecisions)
# (Byte 20 of the payload as stored: the store keeps logs compressed.)
db "UPDATE payloads SET data = substr(data, 1, 19) || CASE WHEN substr(data, 20, 1) = X'41' THEN X'42' ELSE X'41' END || substr(data, 21) WHERE id = 1"
rm -f "$WORK/tampered.xml"
expect_exit 1 "a store with one changed payload byte" -- \
	"$AP" gate --policy "$WORK/pass.yaml" --junit "$WORK/tampered.xml"
expect_out '^gate: FAILED: the evidence store does not verify$' "says the store does not verify"
expect_err "verify: entry 0: payload does not match its commitment" "names the problem as verify does"
! grep -Eq '^(FAIL|WARN) |controls' "$WORK/out" || { cat "$WORK/out"; die "controls were judged"; }
[ ! -e "$WORK/tampered.xml" ] || die "JUnit written for a tampered store"
[ "$(ndecisions)" = "$before" ] || die "a decision was recorded on a tampered store"
ok "nothing about controls, no JUnit, no decision"
rm -rf "$AUDITPACK_STORE" && mv "$WORK/pristine" "$AUDITPACK_STORE"

# 9. Another run holds the store: exit 4, nothing recorded.
if command -v flock >/dev/null; then
	flock "$AUDITPACK_STORE/lock" sleep 3 &
	holder=$!
	sleep 0.3
	expect_exit 4 "the store is locked past --wait" -- "$AP" --wait 1s gate --policy "$WORK/pass.yaml"
	wait "$holder"
	[ "$(ndecisions)" = "$before" ] || die "a locked gate recorded a decision"
fi
expect_exit 0 "--help" -- "$AP" gate --help
expect_out "usage: auditpack gate" "prints the usage"
echo "$checks checks"

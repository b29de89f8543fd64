# Commands without traps (issue 13), one section per numbered item:
# 1 durations carry a unit, prune/erase ask for --yes at a terminal; 2 a glob
# matching nothing is an error; 3 unchanged evidence is not stored again;
# 4 global options anywhere; 5 read-only stores; 6 messages; 7 friction
# (suggestions, headers, pack all, assess --status, --json); 8 man page and
# shell completion.
. "$TESTS/cli/lib.sh"

# --- 1. durations need a unit; a bare number is a usage error ------------
make_store
AUDITPACK_NOW=2020-01-01T00:00:00Z "$AP" -q collect cmd --name old -- echo one || die "old cmd"
AUDITPACK_NOW=2020-01-02T00:00:00Z "$AP" -q collect cmd --name old -- echo two || die "old cmd 2"
cp_before=$("$AP" checkpoint)
expect_exit 2 "prune --before 400 (no unit)" -- "$AP" prune --before 400
expect_err "'400' has no unit.*s, m, h, d or w" "the message names the units"
[ "$("$AP" checkpoint)" = "$cp_before" ] || die "prune --before 400 changed the store"
[ "$("$AP" list --json | python3 -c 'import json,sys; print(sum(e["erased"] for e in json.load(sys.stdin)))')" = 0 ] ||
	die "prune --before 400 erased something"
ok "prune --before 400 erases nothing"
expect_exit 2 "attest --valid-for 90 (no unit)" -- \
	"$AP" attest --control iso27001:A.7.4 --file "$WORK/docs/doc1.txt" --by ops --valid-for 90
expect_err "has no unit" "attest names the units"
expect_exit 2 "--wait 2 (no unit)" -- "$AP" --wait 2 list
expect_err "'2' has no unit" "--wait names the units"
expect_exit 2 "collect cmd --timeout 30 (no unit)" -- "$AP" collect cmd --name x --timeout 30 -- true
cat >"$AUDITPACK_STORE/auditpack.yaml" <<YAML
origin: test.example/evidence
sources:
  - name: rbac
    type: command
    run: [true]
    timeout: 30
YAML
expect_exit 3 "a source timeout without a unit" -- "$AP" collect
expect_err "auditpack.yaml:6:.*timeout must be a duration: a number and a unit s, m, h, d or w" "names file:line and the units"
# gate also reads auditpack.yaml (its profile): take the broken one away
# first, so the error is the policy's.
rm "$AUDITPACK_STORE/auditpack.yaml"
printf 'frameworks: [iso27001]\nmax-age: 7\n' >"$WORK/policy.yaml"
expect_exit 3 "a gate policy max-age without a unit" -- "$AP" gate --policy "$WORK/policy.yaml"
expect_err "policy.yaml:2:.*max-age" "names the policy line"
sed 's/name="max-gap" value="2h"/name="max-gap" value="7200"/' "$TESTS/../mappings/core.xml" >"$WORK/checks.xml"
expect_exit 3 "a check's duration parameter without a unit" -- "$AP" assess --checks "$WORK/checks.xml"
expect_err "checks.xml:[0-9]+: check 'access-log-continuity': param 'max-gap': '7200' is not a duration" \
	"names the check file, line and parameter (it used to fall back to the default silently)"
expect_exit 0 "units are accepted" -- "$AP" --wait 2s list

# --- 1. prune and erase ask for --yes at a terminal ------------------------
# script(1) gives the command a terminal on stdin.
tty_run() { script -qec "$*" /dev/null </dev/null; }
tty_run "'$AP' prune --before 2021-01-01" >"$WORK/out" 2>&1
[ $? = 2 ] || { cat "$WORK/out"; die "prune at a terminal without --yes did not exit 2"; }
grep -q "would prune 2 entries" "$WORK/out" && grep -q "run again with --yes" "$WORK/out" ||
	{ cat "$WORK/out"; die "prune at a terminal does not say what it would remove"; }
[ "$("$AP" checkpoint)" = "$cp_before" ] || die "prune without --yes changed the store"
ok "prune at a terminal lists what would go and changes nothing without --yes"
tty_run "'$AP' prune --before 2021-01-01 --dry-run" >"$WORK/out" 2>&1 || die "dry run at a terminal"
ok "--dry-run needs no --yes"
tty_run "'$AP' erase --subject 'document 1' --reason DSR-7" >"$WORK/out" 2>&1
[ $? = 2 ] || { cat "$WORK/out"; die "erase at a terminal without --yes did not exit 2"; }
grep -q "would erase" "$WORK/out" || { cat "$WORK/out"; die "erase does not say what it would erase"; }
[ "$("$AP" checkpoint)" = "$cp_before" ] || die "erase without --yes changed the store"
ok "erase at a terminal lists what would go and changes nothing without --yes"
tty_run "'$AP' prune --before 2021-01-01 --yes" >"$WORK/out" 2>&1 || { cat "$WORK/out"; die "prune --yes"; }
grep -q "pruned 2 entries" "$WORK/out" || die "prune --yes did not prune"
ok "prune --yes at a terminal prunes"
expect_exit 0 "prune without a terminal (cron) needs no --yes" -- "$AP" prune --before 2021-01-01
expect_out "nothing to prune" "already pruned"

# Dates wherever times are.
expect_exit 0 "list --since takes a plain date" -- "$AP" list --since 2026-11-30
expect_exit 0 "prune --before takes a plain date" -- "$AP" prune --before 2019-06-01
expect_exit 2 "not a date" -- "$AP" list --since 2026-13-01
expect_err "RFC 3339.*or a date" "the message names both forms"

# --- 4. global options anywhere on the command line ------------------------
make_store
mv "$AUDITPACK_STORE" "$WORK/elsewhere"
expect_exit 0 "list --store X (after the command)" -- "$AP" list --store "$WORK/elsewhere"
grep -q "doc1.txt\|documents" "$WORK/out" || die "list --store listed nothing"
expect_exit 0 "list --store=X" -- "$AP" list --store="$WORK/elsewhere" --kind attestation
[ "$(grep -c attestation "$WORK/out")" = 1 ] || die "list --store= --kind"
export AUDITPACK_STORE="$WORK/elsewhere"
expect_exit 0 "collect -q (after the command)" -- "$AP" collect -q file "$WORK/docs/doc2.txt"
[ ! -s "$WORK/out" ] || die "collect -q printed: $(cat "$WORK/out")"
expect_exit 0 "collect file ... --quiet at the end" -- "$AP" collect file "$WORK/docs/doc3.txt" --quiet
[ ! -s "$WORK/out" ] || die "--quiet at the end printed"
expect_exit 0 "--wait after the command" -- "$AP" collect file --wait 5s "$WORK/docs/doc3.txt"
expect_exit 1 "gate ... -q (a verdict, not a usage error)" -- "$AP" gate --framework iso27001 -q
expect_exit 0 "--json before the command is passed to it" -- "$AP" --json list
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$WORK/out" || die "--json list is not JSON"
ok "auditpack --json list prints JSON"
expect_exit 0 "after '--' nothing is taken: a program's own -q" -- \
	"$AP" collect cmd --name greps -- sh -c 'echo "$@"' sh -q --store here
"$AP" show "$("$AP" list --source greps --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[-1]["index"])')" --payload |
	grep -q -- "-q --store here" || die "arguments after -- were taken as global options"
ok "arguments after -- stay the program's"
expect_exit 2 "an unknown option: one line naming it" -- "$AP" list --bogus
[ "$(grep -c '^auditpack:' "$WORK/err")" = 1 ] || die "two error lines: $(cat "$WORK/err")"
expect_err "^auditpack: list: unknown option '--bogus'" "names the option"
expect_exit 2 "an option missing its value" -- "$AP" list --since
expect_err "option '--since' needs a value" "says the value is missing"
expect_exit 2 "--store missing its value after the command" -- "$AP" list --store
"$AP" help >"$WORK/out"
grep -q "exit status, the same rule for every command" "$WORK/out" && grep -q "^  4  the store is locked" "$WORK/out" ||
	die "auditpack help lacks the exit-code rule"
grep -q "^| 3 | runtime or input error" "$TESTS/../README.md" || die "README lacks the exit-code rule"
ok "one exit-code rule in 'auditpack help' and the README"

# --- 2. a glob matching nothing is an error, unless the source is optional --
export AUDITPACK_STORE="$WORK/store"
make_store
mkdir -p "$WORK/logs" "$WORK/etc"
printf '127.0.0.1 - alice [30/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 5 "-" "curl"\n' >"$WORK/logs/nginx.log"
printf 'tls: {min_version: "1.2"}\n' >"$WORK/etc/gw.yaml"
cp_before=$("$AP" checkpoint)
cat >"$AUDITPACK_STORE/auditpack.yaml" <<YAML
origin: test.example/evidence
sources:
  - name: web
    type: access-log
    format: combined
    paths: [$WORK/logs/ngnix*.log]
  - name: gw-config
    type: config
    paths: [$WORK/etc/*.yaml]
YAML
expect_exit 3 "an access-log glob matching nothing" -- "$AP" collect
expect_err "source 'web'.*'$WORK/logs/ngnix\*\.log' matches no file.*optional: true" \
	"names the source and the pattern, and the way out"
[ "$("$AP" checkpoint)" = "$cp_before" ] || die "a failed collect changed the store"
sed -i 's|paths: \[.*ngnix\*.log\]|&\n    optional: true|' "$AUDITPACK_STORE/auditpack.yaml"
expect_exit 0 "the same source marked optional: true" -- "$AP" collect
expect_out "gw-config: 1 entry" "the config glob matched and was collected"
sed -i 's|etc/\*.yaml|etc/*.yml|' "$AUDITPACK_STORE/auditpack.yaml"
expect_exit 3 "a config glob matching nothing" -- "$AP" collect gw-config
expect_err "source 'gw-config'.*etc/\*\.yml' matches no file" "names the config source and pattern"
cat >"$AUDITPACK_STORE/auditpack.yaml" <<YAML
origin: test.example/evidence
sources:
  - name: policies
    type: document
    paths: [$WORK/docs/polcy-*.pdf]
YAML
expect_exit 3 "a document glob matching nothing" -- "$AP" collect
expect_err "source 'policies'.*polcy-\*\.pdf' matches no file" "names the document source and pattern"
printf '  - name: later\n    type: document\n    optional: maybe\n    paths: [/nonexistent/*]\n' \
	>>"$AUDITPACK_STORE/auditpack.yaml"
expect_exit 3 "optional must be a boolean" -- "$AP" collect
expect_err "auditpack.yaml:8:.*optional must be true or false" "says so with file:line"
rm "$AUDITPACK_STORE/auditpack.yaml"
expect_exit 3 "one-off collect logs PATTERN matching nothing" -- \
	"$AP" collect logs --format combined "$WORK/logs/ngnix*.log"
expect_err "source 'logs'.*ngnix\*\.log' matches no file" "names the source and the pattern"
[ ! -s "$WORK/out" ] || die "printed '$(cat "$WORK/out")' for a glob matching nothing"
expect_exit 3 "one-off collect config PATTERN matching nothing" -- "$AP" collect config "$WORK/etc/*.yml"
expect_exit 0 "one-off collect config with a glob" -- "$AP" collect config --name c2 "$WORK/etc/*.yaml"

# --- 3. unchanged documents, configs and command output are not stored again
make_deployment
mkdir -p "$WORK/etc2" "$WORK/policies"
printf 'tls:\n  min_version: "1.2"\nencryption_at_rest: true\n' >"$WORK/etc2/gateway.yaml"
printf 'AI use policy v1\n' >"$WORK/policies/ai-use.txt"
printf '{"kind": "List", "items": []}\n' >"$WORK/rbac.json"
cat >"$AUDITPACK_STORE/auditpack.yaml" <<YAML
origin: test.example/deployment
sources:
  - name: gateway-config
    type: config
    paths: [$WORK/etc2/]
  - name: rbac
    type: command
    output-type: rbac
    run: [cat, $WORK/rbac.json]
  - name: policies
    type: document
    paths: [$WORK/policies/*.txt]
    doc-type: policy
  - name: registry
    type: model
    dir: $WORK/model
    model: credit-risk-llm
    version: "3"
YAML
kinds() { "$AP" list --json | python3 -c '
import json, sys, collections
c = collections.Counter(e["kind"] for e in json.load(sys.stdin))
print(c["document"], c["config-snapshot"], c["command-output"], c["model-version"], c["observation"])'; }
AUDITPACK_NOW=2026-11-27T06:00:00Z "$AP" -q collect || die "first collect"
first=$(kinds)
# (the model, collected once by make_deployment under another source, is
# recorded by the first run of source 'registry')
[ "${first% *}" = "1 1 1 2" ] || die "the first collect recorded $first"
for d in 2026-11-28 2026-11-29 2026-11-30 2026-12-01 2026-12-02 2026-12-03 2026-12-04 \
	2026-12-05 2026-12-06; do
	AUDITPACK_NOW=${d}T06:00:00Z "$AP" collect >"$WORK/out" || die "collect on $d"
done
grep -q "gateway-config: 0 entries, 1 unchanged" "$WORK/out" || { cat "$WORK/out"; die "collect does not say unchanged"; }
# Within the hour of the last run (a 5-minute cron): nothing at all is added.
size=$("$AP" list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
for m in 05 10 15; do
	AUDITPACK_NOW=2026-12-06T06:${m}:00Z "$AP" -q collect || die "collect at 06:$m"
done
[ "$("$AP" list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = "$size" ] ||
	die "runs within the hour of an observation added entries"
ok "runs within the hour of the last observation add no entry at all"
after=$(kinds)
[ "${after% *}" = "1 1 1 2" ] || die "ten collects of unchanged sources: documents, configs, commands, models = ${after% *}, first ${first% *}"
[ "${after##* }" = 9 ] || die "expected one observation entry per later run (9), got ${after##* }"
ok "ten collects of an unchanged deployment add no document, config or command entry (one observation per run)"
"$AP" list --kind observation --json | python3 -c '
import json, sys
last = json.load(sys.stdin)[-1]
assert last["payload_size"] == 0, last
items = last["attrs"]["reobserved"]
assert sorted(i["source"] for i in items) == ["gateway-config", "policies", "rbac", "registry"], items
assert all(len(i["sha256"]) == 64 and isinstance(i["index"], int) for i in items), items
' || die "the observation entry lists each re-observed source"
ok "one small observation entry names each source seen again, its entry and digest"
"$AP" assess --at 2026-12-06T12:00:00Z --json >"$WORK/assess.json" || die "assess"
python3 - "$WORK/assess.json" <<'PY' || die "freshness checks see the re-observation"
import json, sys
a = json.load(open(sys.argv[1]))
seen = {}
for fw in a["frameworks"]:
    for c in fw["controls"]:
        for k in c["checks"]:
            seen[k["id"]] = k
stale = [k for k in seen.values() if k["status"] == "stale" and
         any(w in k["detail"] for w in ("config-snapshot", "command-output", "document"))]
assert not stale, stale
# The 7-day configuration checks ran (pass or fail on the content), not stale.
for c in ("config-snapshots-fresh", "tls-min-version", "rbac-snapshot-fresh", "policy-present"):
    assert seen[c]["status"] in ("pass", "fail"), seen[c]
assert seen["config-snapshots-fresh"]["status"] == "pass", seen["config-snapshots-fresh"]
assert seen["tls-min-version"]["status"] == "pass", seen["tls-min-version"]
PY
ok "freshness checks pass on a store whose sources did not change (9 days after the only snapshot)"
expect_exit 0 "the store verifies" -- "$AP" verify
# What was seen again is not pruned as old: its period runs to the last sighting.
# (Two years on: with no profile every framework is in scope, and SEBI CSCRF
# keeps access logs two years.)
expect_exit 0 "prune before the last sighting" -- \
	env AUDITPACK_NOW=2028-12-10T00:00:00Z "$AP" prune --before 2026-12-03T00:00:00Z --dry-run
keep=$("$AP" list --json | python3 -c '
import json, sys
print(" ".join(str(e["index"]) for e in json.load(sys.stdin) if e["source"] in ("rbac", "gateway-config")))')
python3 - "$WORK/out" $keep <<'PY' || die "prune would drop evidence seen again since: $(cat "$WORK/out")"
import sys
text = open(sys.argv[1]).read().split("ended before", 1)[1]
listed = set()
if ": " in text:
    for part in text.split(": ", 1)[1].split(", "):
        a, _, b = part.strip().partition("-")
        listed.update(range(int(a), int(b or a) + 1))
assert listed, text  # the old gateway log and model are listed
assert not listed & {int(x) for x in sys.argv[2:]}, (listed, sys.argv[2:])
PY
ok "prune measures age from the last time the evidence was seen unchanged"
printf 'AI use policy v2\n' >"$WORK/policies/ai-use.txt"
AUDITPACK_NOW=2026-12-06T13:00:00Z "$AP" collect >"$WORK/out" || die "collect after a change"
grep -q "policies: 1 entry" "$WORK/out" || { cat "$WORK/out"; die "a changed document was not recorded"; }
ok "a changed document is recorded again"
# Three months on, the registry has not changed: seen again, not stale.
AUDITPACK_NOW=2027-03-10T06:00:00Z "$AP" -q collect || die "collect three months on"
"$AP" assess --at 2027-03-10T12:00:00Z --json >"$WORK/assess.json" || die "assess"
python3 - "$WORK/assess.json" <<'PY' || die "the model registry went stale though it was seen again"
import json, sys
a = json.load(open(sys.argv[1]))
seen = {k["id"]: k for fw in a["frameworks"] for c in fw["controls"] for k in c["checks"]}
assert seen["model-registry-fresh"]["status"] == "pass", seen["model-registry-fresh"]
assert seen["config-snapshots-fresh"]["status"] == "pass", seen["config-snapshots-fresh"]
PY
ok "an unchanged model registry stays fresh past its 90 days (re-observed)"

# --- 5. read-only stores: an auditor's copy without write access -----------
make_store
sed 's/name="framework-id" ns="https:\/\/auditpack.dev\/ns\/oscal" value="gdpr"/name="framework-id" ns="https:\/\/auditpack.dev\/ns\/oscal" value="gdpr-copy"/' \
	"$TESTS/../controls/gdpr.xml" >"$WORK/gdpr-copy.xml"
"$AP" -q controls import "$WORK/gdpr-copy.xml" || die "import"
[ "$(stat -c %a "$AUDITPACK_STORE/controls/gdpr-copy.xml")" = 600 ] ||
	die "an imported catalogue is $(stat -c %a "$AUDITPACK_STORE/controls/gdpr-copy.xml"), not 600"
ok "an imported catalogue is stored 0600, like the rest of the store"
# The store as its owner left it, then a copy nobody may write to.
ro=$(mktemp -d /tmp/auditpack-ro.XXXXXX)
cp -r "$AUDITPACK_STORE" "$ro/store"
mkdir "$ro/out"
as_reader() { "$@"; }
if [ "$(id -u)" = 0 ]; then
	chown -R nobody "$ro"
	chmod 755 "$ro"
	as_reader() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
fi
chmod -R a-w "$ro/store"
chmod u+w "$ro/out"
ls -la "$ro/store" >"$WORK/before.ls"
for cmd in "verify" "list" "show 0" "assess --framework gdpr" "pack --framework gdpr -o $ro/out/copy.zip"; do
	# shellcheck disable=SC2086
	expect_exit 0 "a read-only copy: $cmd (as a user without write access)" -- \
		as_reader env AUDITPACK_DATA="${AUDITPACK_DATA:-$TESTS/..}" "$AP" --store "$ro/store" $cmd
	! grep -q "readonly\|read-only" "$WORK/err" || die "$cmd: $(cat "$WORK/err")"
done
ls -la "$ro/store" >"$WORK/after.ls"
cmp -s "$WORK/before.ls" "$WORK/after.ls" || die "reading the copy changed its directory"
expect_exit 0 "the pack written from the read-only copy verifies" -- "$AP" verify-pack "$ro/out/copy.zip"
chmod -R u+w "$ro"
rm -rf "$ro"
# verify checks the store, whatever the state of auditpack.yaml.
printf 'origin: test.example/evidence\nsources: [\n  - {name: broken\n' >"$AUDITPACK_STORE/auditpack.yaml"
expect_exit 0 "verify with a malformed auditpack.yaml" -- "$AP" verify
mkdir -p "$WORK/wit"
"$AP" -q checkpoint -o "$WORK/wit/99.checkpoint"
printf 'witness: %s   # copies\nsources: [\n' "$WORK/wit" >"$AUDITPACK_STORE/auditpack.yaml"
expect_exit 0 "verify still uses the witness: line of a malformed auditpack.yaml" -- "$AP" verify
expect_out "witness" "says it checked the witness"
rm "$AUDITPACK_STORE/auditpack.yaml"

# --- 6. messages ----------------------------------------------------------
make_store
# --wait: it waits the whole time it says it waited (not 1.1 s of "2 s").
flock "$AUDITPACK_STORE/lock" sleep 4 &
holder=$!
sleep 0.3
start=$(date +%s%N)
expect_exit 4 "a writer gives up after --wait 2s" -- "$AP" --wait 2s collect file "$WORK/docs/doc1.txt"
took=$(( ($(date +%s%N) - start) / 1000000 ))
expect_err "waited 2 s" "says how long it waited"
[ "$took" -ge 2000 ] || die "said it waited 2 s after ${took} ms"
ok "and waited at least 2 s (${took} ms)"
wait "$holder"
# An attestation that runs out within warn-before: not "expired" on a future date.
AUDITPACK_NOW=2026-11-01T00:00:00Z "$AP" -q attest --control iso27001:A.7.4 --file "$WORK/docs/doc1.txt" \
	--by facilities --valid-for 30d || die "attest"
printf 'require: ["iso27001:A.7.4"]\nwarn-before: 7d\n' >"$WORK/warn.yaml"
AUDITPACK_NOW=2026-11-28T00:00:00Z "$AP" gate --policy "$WORK/warn.yaml" >"$WORK/out" 2>&1
grep -q "WARN" "$WORK/out" || { cat "$WORK/out"; die "no warning for an attestation about to run out"; }
! grep -q "expired" "$WORK/out" || { cat "$WORK/out"; die "a WARN says an attestation expired on a future date"; }
grep -q "expires on 2026-12-01" "$WORK/out" || { cat "$WORK/out"; die "the WARN does not say when it expires"; }
AUDITPACK_NOW=2026-12-05T00:00:00Z "$AP" assess --framework iso27001 --status stale >"$WORK/out"
grep -q "expired on 2026-12-01" "$WORK/out" || { cat "$WORK/out"; die "an expired attestation is not called expired"; }
ok "a WARN says an attestation expires on a future date; once past, assess says it expired"
# An unknown control is a usage error everywhere, with a suggestion.
expect_exit 2 "controls iso27001 A.7.44" -- "$AP" controls iso27001 A.7.44
expect_err "iso27001 has no control 'A.7.44'.*did you mean" "names it and suggests"
expect_exit 2 "attest --control iso27001:A.7.44" -- \
	"$AP" attest --control iso27001:A.7.44 --file "$WORK/docs/doc1.txt" --by x
expect_err "iso27001 has no control 'A.7.44'.*did you mean" "names it and suggests"
# collect without a store says to run init.
expect_exit 3 "collect without a store" -- "$AP" --store "$WORK/nostore" collect
expect_err "no evidence store at '$WORK/nostore'.*auditpack init" "says to run 'auditpack init'"
! grep -q "auditpack.yaml" "$WORK/err" || die "names auditpack.yaml: $(cat "$WORK/err")"
# verify-pack without a pinned key: a fingerprint, not an empty one.
"$AP" -q pack --framework gdpr -o "$WORK/p.zip" || die "pack"
expect_exit 0 "verify-pack without a pinned key" -- "$AP" verify-pack "$WORK/p.zip"
expect_err "used the key shipped in the pack, [0-9a-f]{8} sha256:[0-9a-f]+;" "names that key's fingerprint"
unzip -q "$WORK/p.zip" -d "$WORK/p" && rm "$WORK/p/keys/"* && (cd "$WORK/p" && zip -qr "$WORK/nokey.zip" .)
"$AP" verify-pack "$WORK/nokey.zip" >"$WORK/out" 2>"$WORK/err"
! grep -q "pack, ;" "$WORK/err" || die "an empty key fingerprint: $(cat "$WORK/err")"
ok "verify-pack never prints an empty fingerprint"
# make demo and the tests print sentences, not a bare listing or "(expected?)".
! grep -nE '^\s*ls ' "$TESTS/../examples/demo.sh" || die "the demo prints a bare ls"
! grep -rn '(expected?)' "$TESTS/unit" || die "a test prints '(expected?)' lines"
ok "no bare ls in make demo, no '(expected?)' lines from the tests"

# --- 7. friction ---------------------------------------------------------
make_store
expect_exit 0 "framework ids without case: controls GDPR" -- "$AP" controls GDPR
expect_exit 0 "framework ids with '_': assess --framework eu_ai_act" -- "$AP" assess --framework eu_ai_act
python3 -c 'import json,sys; d = json.load(open(sys.argv[1])); assert [f["id"] for f in d["frameworks"]] == ["eu-ai-act"], d["frameworks"][0]["id"]' \
	<("$AP" assess --framework eu_ai_act --json) || die "assess reports the id as typed, not the catalogue's"
expect_exit 1 "gate --framework GDPR" -- "$AP" gate --framework GDPR --json
python3 -c 'import json,sys; d = json.load(open(sys.argv[1])); assert d["frameworks"] == ["gdpr"], d["frameworks"]' "$WORK/out" ||
	die "the gate decision records the framework as typed"
ok "framework ids typed in any case are recorded as the catalogue's id"
expect_exit 2 "a misspelt framework" -- "$AP" assess --framework gpdr
expect_err "no framework 'gpdr' \(did you mean 'gdpr'\?" "suggests the framework"
expect_exit 2 "a misspelt command" -- "$AP" asses
expect_err "'asses' is not a command; did you mean 'assess'\?" "suggests the command"
expect_exit 0 "controls by label in any case" -- "$AP" controls iso27001 a.8.15
expect_exit 0 "list --header" -- "$AP" list --header
head -n1 "$WORK/out" | grep -q "^index	kind	source	subject	collected	bytes$" || die "list has no header row"
script -qec "'$AP' frameworks" /dev/null </dev/null >"$WORK/out"
head -n1 "$WORK/out" | grep -q "^framework  *ctrls  title" || die "frameworks on a terminal has no header row"
[ "$("$AP" list | wc -l)" = "$("$AP" list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" ] ||
	die "list in a pipe gained a header row"
ok "header rows for people (a terminal, or --header), none in pipes"
expect_exit 0 "pack without --framework (all, as assess)" -- "$AP" pack -o "$WORK/all.zip" --at 2026-11-30
unzip -p "$WORK/all.zip" reports/assessment.json | python3 -c '
import json, sys
ids = sorted(f["id"] for f in json.load(sys.stdin)["frameworks"])
assert len(ids) == 8 and "gdpr" in ids and "iso42001" in ids, ids' || die "pack default: not every framework"
expect_exit 0 "pack --framework all" -- "$AP" pack --framework all -o "$WORK/all2.zip" --at 2026-11-30
cmp -s "$WORK/all.zip" "$WORK/all2.zip" || die "--framework all differs from the default"
ok "pack --framework all is every framework, and the default"
expect_exit 0 "assess --status fail,missing" -- "$AP" assess --framework iso27001 --status fail,missing --json
python3 - "$WORK/out" <<'PY' || die "assess --status"
import json, sys
a = json.load(open(sys.argv[1]))
sts = {c["status"] for fw in a["frameworks"] for c in fw["controls"]}
assert sts and sts <= {"fail", "missing"}, sts
assert sum(a["frameworks"][0]["counts"].values()) > len(a["frameworks"][0]["controls"]), "counts must cover every control"
PY
expect_exit 0 "assess --status manual in text" -- "$AP" assess --framework iso27001 --status manual
sed '/^[0-9]* findings\?:$/,$d' "$WORK/out" >"$WORK/controls.txt" # the controls, not the findings list
grep -q "^  manual " "$WORK/controls.txt" && ! grep -q "^  missing " "$WORK/controls.txt" || die "assess --status manual text"
expect_exit 2 "assess --status with a bad name" -- "$AP" assess --status broken
ok "assess filters controls by status"
# A long label keeps the columns: the reason starts at the same column.
expect_exit 0 "assess hipaa (labels longer than 18)" -- "$AP" assess --framework hipaa --status missing,manual
sed -i '/^[0-9]* findings\?:$/,$d' "$WORK/out" # the controls, not the findings list
python3 - "$WORK/out" <<'PY' || die "assess columns"
import re, sys
rows = [l for l in open(sys.argv[1]) if re.match(r"^  (missing|manual) ", l)]
cols = {len(re.match(r"^  \S+\s+\S+\s+", l).group(0)) for l in rows}  # HIPAA labels have no spaces
assert len(rows) > 5 and len(cols) == 1, cols
PY
ok "long labels do not break the assess columns"
# --json on the commands that report a result.
expect_exit 0 "collect --json" -- "$AP" collect file --type policy "$WORK/docs/doc1.txt" --json
python3 -c 'import json,sys; d = json.load(open(sys.argv[1])); assert d["sources"][0]["unchanged"] == 1 and d["files"][0]["unchanged"] and d["observation"] is None and d["checkpoint"]["size"] > 0, d' "$WORK/out" || die "collect --json"
expect_exit 0 "collect --json two hours later" -- env AUDITPACK_NOW="$(date -u -d '+2 hours' +%Y-%m-%dT%H:%M:%SZ)" \
	"$AP" collect file --type policy "$WORK/docs/doc1.txt" --json
python3 -c 'import json,sys; d = json.load(open(sys.argv[1])); assert isinstance(d["observation"], int), d' "$WORK/out" || die "collect --json: observation"
expect_exit 0 "verify --json" -- "$AP" verify --json
python3 -c 'import json,sys; d = json.load(open(sys.argv[1])); assert d["ok"] and d["problems"] == [] and d["entries"] == d["checkpoint"]["size"], d' "$WORK/out" || die "verify --json"
"$AP" -q pack --framework gdpr -o "$WORK/g.zip" || die pack
expect_exit 0 "verify-pack --json" -- "$AP" verify-pack "$WORK/g.zip" --json
python3 -c 'import json,sys; d = json.load(open(sys.argv[1])); assert d["ok"] and not d["pinned"] and d["key"] and d["files"] > 10, d' "$WORK/out" || die "verify-pack --json"
expect_exit 1 "gate --json (failing)" -- "$AP" gate --framework iso27001 --json
python3 -c 'import json,sys; d = json.load(open(sys.argv[1])); assert d["verdict"] == "fail" and d["failing"] and isinstance(d["entry"], int) and d["warned"] == [], d' "$WORK/out" || die "gate --json"
expect_exit 0 "erase --json --dry-run" -- "$AP" erase --subject "document 2" --reason DSR-8 --dry-run --json
python3 -c 'import json,sys; d = json.load(open(sys.argv[1])); assert d["erased"] is False and d["entries"] and d["tombstone"] is None, d' "$WORK/out" || die "erase --json"
expect_exit 0 "prune --json --dry-run" -- "$AP" prune --before 2020-01-01 --dry-run --json
python3 -c 'import json,sys; d = json.load(open(sys.argv[1])); assert d["pruned"] is False and d["entries"] == [] and d["before"].startswith("2020-01-01"), d' "$WORK/out" || die "prune --json"
expect_exit 0 "attest --json" -- "$AP" attest --control iso27001:A.7.4 --file "$WORK/docs/doc2.txt" --by ops --valid-for 30d --json
python3 -c 'import json,sys; d = json.load(open(sys.argv[1])); assert d["control"] == "a.7.4" and d["label"] == "A.7.4" and isinstance(d["index"], int) and d["valid_until"], d' "$WORK/out" || die "attest --json"
ok "collect, verify, verify-pack, gate, erase, prune and attest print their documented JSON"
# init's template: document and model-dir sources; uncommenting works.
rm -rf "$WORK/t"
"$AP" --store "$WORK/t" -q init --origin test.example/t || die "init"
grep -q "type: document" "$WORK/t/auditpack.yaml" && grep -q "dir: /srv/models" "$WORK/t/auditpack.yaml" ||
	die "the template lacks the document or model-dir source"
sed -i 's/^#  /  /' "$WORK/t/auditpack.yaml"
expect_exit 3 "the template with every example uncommented parses (and names the first missing file)" -- \
	"$AP" --store "$WORK/t" collect
expect_err "source 'gateway'.*access.log" "it got as far as reading the sources"
printf 'origin: x\nsources: []\n  - name: gw\n    type: config\n    paths: [/etc]\n' >"$WORK/t/auditpack.yaml"
expect_exit 3 "'sources: []' above list items" -- "$AP" --store "$WORK/t" collect
expect_err "auditpack.yaml:3:3: did not find expected key .*sources: \[\]'\? remove the '\[\]'" "gives a hint"

# --- 8. a man page and shell completions, from the command table -----------
cmds=$("$AP" --help | awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { exit }')
[ "$(echo "$cmds" | wc -w)" -ge 17 ] || die "could not read the command list: $cmds"
expect_exit 0 "auditpack manpage" -- "$AP" manpage
cp "$WORK/out" "$WORK/auditpack.1"
for c in $cmds; do
	grep -q "^\.SS $c\$" "$WORK/auditpack.1" || die "the man page has no section for $c"
done
ok "the man page has one section per command"
groff -man -Tutf8 -ww -z "$WORK/auditpack.1" 2>"$WORK/groff.err" && [ ! -s "$WORK/groff.err" ] ||
	{ cat "$WORK/groff.err"; die "groff warns about the man page"; }
(cd "$WORK" && MANWIDTH=80 man -l ./auditpack.1) >"$WORK/man.txt" 2>"$WORK/man.err" ||
	{ cat "$WORK/man.err"; die "man ./auditpack.1 does not render"; }
grep -q "EXIT STATUS" "$WORK/man.txt" && grep -q "prune --before TIME|AGE" "$WORK/man.txt" ||
	die "the rendered page lacks its sections"
ok "man ./auditpack.1 renders without warnings"
if [ -f "$TESTS/../auditpack.1" ]; then
	cmp -s "$TESTS/../auditpack.1" "$WORK/auditpack.1" || die "the built auditpack.1 is not what the binary generates"
	ok "make builds auditpack.1 from the binary"
fi
expect_exit 0 "auditpack completion bash" -- "$AP" completion bash
cp "$WORK/out" "$WORK/auditpack.bash"
bash -n "$WORK/auditpack.bash" || die "the bash completion does not parse"
complete_words() { # WORDS...: what bash completes for the last word
	PATH="$(dirname "$AP"):$PATH" bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _auditpack; printf "%s\n" "${COMPREPLY[@]}"' \
		x "$WORK/auditpack.bash" "$@"
}
complete_words auditpack asse | grep -qx assess || die "bash: 'asse' does not complete to assess"
complete_words auditpack prune -- >"$WORK/c"
grep -qx -- --before "$WORK/c" && grep -qx -- --yes "$WORK/c" && grep -qx -- --json "$WORK/c" ||
	die "bash: prune options: $(cat "$WORK/c")"
complete_words auditpack --store /tmp collect l | grep -qx logs || die "bash: collect subcommands"
complete_words auditpack assess --framework gd | grep -qx gdpr || die "bash: framework ids"
for c in $cmds; do
	complete_words auditpack "$c" --hel | grep -qx -- --help || die "bash: $c has no completion"
done
ok "bash completion completes commands, subcommands, options and frameworks"
expect_exit 0 "auditpack completion zsh" -- "$AP" completion zsh
cp "$WORK/out" "$WORK/_auditpack"
head -n1 "$WORK/_auditpack" | grep -qx '#compdef auditpack' || die "zsh: no #compdef line"
for c in $cmds; do
	grep -q "^		'$c:" "$WORK/_auditpack" && grep -q "^	$c) opts=(" "$WORK/_auditpack" ||
		die "zsh completion lacks $c"
done
ok "zsh completion names every command with its options"
if command -v zsh >/dev/null; then
	zsh -n "$WORK/_auditpack" || die "the zsh completion does not parse"
	# Run it with zsh's completion builtins stubbed to print the candidates.
	cat >"$WORK/zcomp" <<'ZSH'
compadd() { local a; for a in "$@"; do [[ $a == -- ]] || print -r -- $a; done }
_describe() { print -l -- ${${(P)4}%%:*}; }
_files() { :; }
words=("${@:2}"); CURRENT=$#words; PREFIX=$words[-1]
source "$1"
ZSH
	zcomplete() { PATH="$(dirname "$AP"):$PATH" zsh -f "$WORK/zcomp" "$WORK/_auditpack" "$@"; }
	zcomplete auditpack pru | grep -qx prune || die "zsh: 'pru' does not complete to prune"
	zcomplete auditpack prune --b | grep -qx -- --before || die "zsh: prune options"
	zcomplete auditpack --store /tmp collect l | grep -qx logs || die "zsh: collect subcommands"
	zcomplete auditpack assess --framework g | grep -qx gdpr || die "zsh: framework ids"
	ok "zsh completion completes commands, options, subcommands and frameworks"
fi
expect_exit 2 "completion for an unknown shell" -- "$AP" completion fish

echo "$checks checks"

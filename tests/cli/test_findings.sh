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

echo "1..$checks"

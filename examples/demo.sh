#!/bin/sh
# make demo: run auditpack's whole pipeline on the demo deployment in
# examples/: init a store, collect every source of auditpack.yaml (gateway and
# nginx logs, the MLflow registry, a model directory, the gateway's
# configuration, RBAC), keep the compliance documents, verify, assess against
# every framework, write and verify the audit pack, and run the pre-release
# gate with examples/gate-policy.yaml (the demo's findings fail it); then fix
# the wildcard RBAC role and show what changed (diff) and the SIEM feed.
# Times are pinned (AUDITPACK_NOW, --at) so the output is reproducible.
set -eu
AP=$(cd "$(dirname "${1:-./auditpack}")" && pwd)/$(basename "${1:-./auditpack}")
here=$(cd "$(dirname "$0")" && pwd)
out=${DEMO_OUT:-$here/out}
store="$out/store"
export AUDITPACK_NOW=2026-11-27T06:00:00Z
ap() { "$AP" --store "$store" "$@"; }

rm -rf "$out"
mkdir -p "$out/witness"
sqlite3 "$out/mlflow.db" <"$here/mlflow/registry.sql"

echo "== init"
ap init --origin bank.example/credit-llm
sed -e "s|@EXAMPLES@|$here|g" -e "s|@OUT@|$out|g" "$here/auditpack.yaml.in" >"$store/auditpack.yaml"

echo
echo "== collect (every source in auditpack.yaml, one signed checkpoint)"
ap collect
echo
echo "== documents"
ap collect file --type policy "$here/documents/ai-use-policy.md"
ap collect file --type dpia "$here/documents/dpia-credit-llm.md"
ap collect file --type red-team-report "$here/documents/red-team-report-2026-q3.md"

echo
echo "== list"
ap list
echo
echo "== verify (also against the witness copies every signing command wrote)"
echo "witness: $(ls "$out/witness" | wc -l) checkpoint copies in $out/witness," \
	"the latest $(ls "$out/witness" | sort -n | tail -n 1)"
ap verify
echo
echo "== assess, as of $AUDITPACK_NOW"
ap assess --at "$AUDITPACK_NOW"
ap assess --at "$AUDITPACK_NOW" --json >"$out/assessment.json"
echo
echo "== gate (examples/gate-policy.yaml; the demo's findings fail it: exit 1)"
status=0
ap gate --policy "$here/gate-policy.yaml" --at "$AUDITPACK_NOW" --release demo-1 \
	--junit "$out/gate-junit.xml" || status=$?
[ "$status" -eq 1 ] || { echo "demo: gate exited $status, expected 1" >&2; exit 1; }
echo
echo "== audit pack (with the gate's decision in it)"
ap pack --framework eu-ai-act,gdpr,hipaa,iso27001,iso42001,rbi,rbi-free-ai,sebi-cscrf \
	--at "$AUDITPACK_NOW" -o "$out/audit-pack.zip"
vkey=$(ap key show | awk '$2 == "active" {print $3}')
ap verify-pack "$out/audit-pack.zip" --vkey "$vkey"
mkdir -p "$out/pack"
(cd "$out/pack" && unzip -q -o ../audit-pack.zip)
echo
echo "== findings over time: fix the wildcard role, collect RBAC again, diff"
sed 's/"verbs": \["\*"\]/"verbs": ["get", "list"]/; s/"resources": \["\*"\]/"resources": ["pods"]/; s/"apiGroups": \["\*"\]/"apiGroups": [""]/' \
	"$here/k8s/rbac.json" >"$out/rbac-fixed.json"
AUDITPACK_NOW=2026-11-27T06:30:00Z ap collect cmd --name rbac --type rbac -- cat "$out/rbac-fixed.json"
ap assess --at 2026-11-27T07:00:00Z --json >"$out/assessment-after.json"
ap assess --at 2026-11-27T07:00:00Z --findings-jsonl "$out/findings.jsonl" >/dev/null
ap diff "$out/assessment.json" "$out/assessment-after.json"
echo
echo "demo store:   $store"
echo "audit pack:   $out/audit-pack.zip"
echo "HTML summary: $out/pack/reports/summary.html (open it in a browser)"
echo "gate JUnit:   $out/gate-junit.xml"
echo "findings:     $out/findings.jsonl (OCSF, one per line, for a SIEM)"

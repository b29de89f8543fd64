#!/bin/sh
# make demo: run auditpack on the demo deployment in examples/.
# Builds a fresh store in examples/out/store, collects the demo documents,
# verifies the store and checks one entry's proof.
set -eu
AP=${1:-./auditpack}
here=$(cd "$(dirname "$0")" && pwd)
out="$here/out"
store="$out/store"

rm -rf "$out"
mkdir -p "$out"
echo "== init"
"$AP" --store "$store" init --origin bank.example/credit-llm
echo
echo "== collect documents"
"$AP" --store "$store" collect file --type policy "$here/documents/ai-use-policy.md"
"$AP" --store "$store" collect file --type dpia "$here/documents/dpia-credit-llm.md"
"$AP" --store "$store" collect file --type red-team-report \
	"$here/documents/red-team-report-2026-q3.md"
echo
echo "== list"
"$AP" --store "$store" list
echo
echo "== checkpoint (kept as a witness copy in $out/witness.checkpoint)"
"$AP" --store "$store" checkpoint -o "$out/witness.checkpoint"
cat "$out/witness.checkpoint"
echo
echo "== proof of entry 1"
"$AP" --store "$store" proof 1
echo
echo "== verify"
"$AP" --store "$store" verify --against "$out/witness.checkpoint"
echo
echo "demo store: $store"

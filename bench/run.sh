#!/bin/bash
# Every benchmark, as ratios against standard tools on the same input.
# Usage: bench/run.sh [AUDITPACK]   (make bench)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
AP=${1:-./auditpack}
"$here/store.sh" "$AP" "${STORE_DOCS:-100000}" 2048
"$here/collect.sh" "$AP" "${COLLECT_LINES:-1000000}"
"$here/assess.sh" "$AP"
"$here/pack.sh" "$AP"
"$here/erase.sh" "$AP" "${COLLECT_LINES:-1000000}"
"$here/hugeline.sh" "$AP" "${HUGELINE_MIB:-1024}"
"$here/pack_verify.sh" "$AP"

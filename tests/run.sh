#!/bin/bash
# Run every test: the cmocka unit binaries in $1, then the CLI tests against
# the auditpack binary $2.  Prints one "N passed, N failed" line at the end
# and exits non-zero when anything failed.
set -u
shopt -s nullglob
unit_dir=$1
bin=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
here=$(cd "$(dirname "$0")" && pwd)
passed=0
failed=0
failures=()

for t in "$unit_dir"/test_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	if (cd "$here/.." && "$t"); then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		failures+=("unit/$name")
	fi
done

for t in "$here"/cli/test_*.sh; do
	name=$(basename "$t" .sh)
	out=$(mktemp)
	if AUDITPACK="$bin" TESTS="$here" bash "$t" >"$out" 2>&1; then
		passed=$((passed + 1))
		echo "ok   cli/$name ($(grep -c '^ok ' "$out") checks)"
	else
		failed=$((failed + 1))
		failures+=("cli/$name")
		echo "FAIL cli/$name"
		sed 's/^/    /' "$out" | tail -n 40
	fi
	rm -f "$out"
done

echo
for f in "${failures[@]+"${failures[@]}"}"; do
	echo "failed: $f"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

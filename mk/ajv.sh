#!/bin/sh
# Install ajv 8 (ajv-cli@5 with ajv-formats@3) into tests/node_modules, for
# tests/cli/test_oscal.sh: the OSCAL 1.2.1 JSON schemas use \p{L} in their
# patterns, which needs a validator with Unicode property escapes.  Quiet
# when already there; when npm or the registry is not reachable it says so
# and the test skips the JSON schema part (the XSD part always runs).
set -u
dir=$(cd "$(dirname "$0")/.." && pwd)/tests
[ -x "$dir/node_modules/.bin/ajv" ] && exit 0
if ! command -v npm >/dev/null 2>&1; then
	echo "mk/ajv.sh: npm not installed: the OSCAL JSON schema checks will be skipped" >&2
	exit 0
fi
cd "$dir" && npm install --no-save --no-audit --no-fund --silent --prefix "$dir" \
	ajv-cli@5 ajv-formats@3 >/dev/null 2>&1 ||
	echo "mk/ajv.sh: npm install ajv-cli@5 ajv-formats@3 failed: the OSCAL JSON schema checks will be skipped" >&2
exit 0

# Shared helpers for the CLI tests: sourced by each tests/cli/test_*.sh.
# $AUDITPACK is the binary under test, $TESTS the tests/ directory.
set -u
AP=${AUDITPACK:?AUDITPACK must name the binary under test}
AP=$(cd "$(dirname "$AP")" && pwd)/$(basename "$AP")
TESTS=${TESTS:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
WORK=$(mktemp -d /tmp/auditpack-cli.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$WORK"' EXIT
export AUDITPACK_STORE="$WORK/store"
unset AUDITPACK_KEY_PASSPHRASE
checks=0

ok() { checks=$((checks + 1)); echo "ok $checks - $*"; }
die() { echo "not ok - $*" >&2; exit 1; }

# expect_exit CODE DESCRIPTION -- COMMAND...: run, keep stdout in $WORK/out
# and stderr in $WORK/err, and insist on the exit status.
expect_exit() {
	local want=$1 what=$2 got
	shift 3
	"$@" >"$WORK/out" 2>"$WORK/err"
	got=$?
	if [ "$got" != "$want" ]; then
		echo "--- stdout"; cat "$WORK/out"; echo "--- stderr"; cat "$WORK/err"
		die "$what: exit $got, expected $want"
	fi
	ok "$what (exit $want)"
}

# expect_err PATTERN DESCRIPTION: the last stderr matches an extended regex.
expect_err() {
	grep -Eq -- "$1" "$WORK/err" || { cat "$WORK/err"; die "$2: stderr lacks /$1/"; }
	ok "$2"
}

expect_out() {
	grep -Eq -- "$1" "$WORK/out" || { cat "$WORK/out"; die "$2: stdout lacks /$1/"; }
	ok "$2"
}

# A fresh store with a few documents in it, in $AUDITPACK_STORE.
make_store() {
	rm -rf "$AUDITPACK_STORE"
	"$AP" -q init --origin test.example/evidence || die "init failed"
	mkdir -p "$WORK/docs"
	for i in 1 2 3 4 5 6; do
		printf 'document %s\nline two of %s\n' "$i" "$i" >"$WORK/docs/doc$i.txt"
	done
	"$AP" -q collect file --type policy "$WORK/docs/doc1.txt" "$WORK/docs/doc2.txt" \
		"$WORK/docs/doc3.txt" || die "collect 1 failed"
	"$AP" -q collect file "$WORK/docs/doc4.txt" "$WORK/docs/doc5.txt" || die "collect 2 failed"
	"$AP" -q collect file --kind attestation "$WORK/docs/doc6.txt" || die "collect 3 failed"
}

db() { sqlite3 "$AUDITPACK_STORE/evidence.db" "$@"; }

checkpoint_of() { "$AP" checkpoint; }

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

# A small AI deployment in a fresh store, as of $DEPLOY_T0: 24 h of gateway
# log ($WORK/gw.jsonl: a request every 6 minutes from 7 users, all to model
# credit-risk-llm v3) and that model's directory ($WORK/model) with its
# digests.  At $DEPLOY_T0 its logs are fresh and attributed and the model
# is registered; the log covers one day only (continuity and retention
# fail) and no configuration, RBAC snapshot, document or production stage
# is collected (those checks are missing or fail).  `gw PATH` collects more
# of the gateway log the same way.
DEPLOY_T0=2026-11-27T06:00:00Z
gw() { "$AP" -q collect logs --format jsonl --name gateway --field time=ts --field user=user \
	--field model=model --field version=version --field status=status "$@"; }
make_deployment() { # [ORIGIN]
	rm -rf "$AUDITPACK_STORE"
	AUDITPACK_NOW=$DEPLOY_T0 "$AP" -q init --origin "${1:-test.example/deployment}" ||
		die "init failed"
	python3 - "$WORK/gw.jsonl" <<'PY'
import json, sys
with open(sys.argv[1], "w") as f:
    for i in range(240):  # one request every 6 minutes for the 24 h before T0
        f.write(json.dumps({"ts": "2026-11-%02dT%02d:%02d:00Z" % (26 + (6 + i // 10) // 24, (6 + i // 10) % 24, (i % 10) * 6),
                            "user": "u%d" % (i % 7), "model": "credit-risk-llm", "version": "3",
                            "status": 200}) + "\n")
PY
	mkdir -p "$WORK/model"
	printf '{"model_type": "mistral", "architectures": ["MistralForCausalLM"]}\n' >"$WORK/model/config.json"
	head -c 4096 /dev/urandom >"$WORK/model/weights.bin"
	AUDITPACK_NOW=$DEPLOY_T0 gw "$WORK/gw.jsonl" || die "collect gateway"
	AUDITPACK_NOW=$DEPLOY_T0 "$AP" -q collect model --dir "$WORK/model" --name credit-risk-llm \
		--version 3 --source weights || die "collect model"
}

db() { sqlite3 "$AUDITPACK_STORE/evidence.db" "$@"; }

checkpoint_of() { "$AP" checkpoint; }

# store_plain: a directory holding a copy of every file of the store and
# every payload as collected; prints its path.  The store keeps most
# payloads zstd-compressed (docs/store-format.md), which grep cannot see
# through: grep this to ask "is this value anywhere in the store".
store_plain() {
	local d="$WORK/plain"
	rm -rf "$d"
	mkdir -p "$d"
	cp -r "$AUDITPACK_STORE" "$d/store"
	python3 - "$d/store/evidence.db" "$d" <<'PY' || die "store_plain: cannot read the payloads"
import sqlite3, subprocess, sys
db = sqlite3.connect(sys.argv[1])
if "encoding" in [r[1] for r in db.execute("PRAGMA table_info(payloads)")]:
    for pid, data, enc in db.execute("SELECT id, data, encoding FROM payloads"):
        if enc == 1:
            out = subprocess.run(["zstd", "-dcq"], input=data, stdout=subprocess.PIPE, check=True).stdout
            with open("%s/payload-%d" % (sys.argv[2], pid), "wb") as f:
                f.write(out)
        elif enc != 0:
            sys.exit("payload %d: unknown encoding %r" % (pid, enc))
PY
	echo "$d"
}

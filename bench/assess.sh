#!/bin/bash
# assess (all frameworks) on a store of 1,000 access-log entries (1,000,000
# lines) and 500 other entries, as a ratio to sqlite3 counting the entries of
# the same store; and gate's own overhead when `gate` exists.
# Usage: bench/assess.sh [AUDITPACK]
set -eu
AP=$(realpath "${1:-./auditpack}")
out=$(cd "$(dirname "$0")" && pwd)/out
logs="$out/assess-logs"
store="$out/assess-store"
mkdir -p "$out"
. "$(dirname "$0")/lib.sh"

if [ ! -f "$logs/.done" ]; then
	rm -rf "$logs"
	mkdir -p "$logs/docs"
	python3 - "$logs" <<'PY'
import json, os, random, sys
rng = random.Random(3)
d = sys.argv[1]
t = 1795478400
for f in range(1000):
    with open(os.path.join(d, "gw-%04d.jsonl" % f), "w") as out:
        for i in range(1000):
            t += rng.randint(0, 2)
            out.write(json.dumps({"ts": t, "user": "u%d" % rng.randint(0, 500), "model": "credit-risk-llm",
                                  "version": rng.choice("33332"), "status": rng.choice([200] * 20 + [401, 403])}) + "\n")
for i in range(500):
    open(os.path.join(d, "docs", "doc-%03d.md" % i), "w").write("policy %d\n" % i)
PY
	touch "$logs/.done"
fi
rm -rf "$store"
"$AP" --store "$store" -q init --origin bench.example/assess
"$AP" --store "$store" -q collect logs --complete --format jsonl --name gw --field time=ts \
	--field user=user --field model=model --field version=version --field status=status "$logs/gw-*.jsonl"
ls "$logs"/docs/*.md | "$AP" --store "$store" -q collect file --type policy --files-from -
entries=$(sqlite3 "$store/evidence.db" "SELECT count(*) FROM entries")
at=$(python3 -c 'import time; print(time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))')

t0=$(now); sqlite3 "$store/evidence.db" "SELECT kind, count(*) FROM entries GROUP BY kind" >/dev/null; t1=$(now)
count_s=$(secs "$t0" "$t1")
t0=$(now); "$AP" --store "$store" assess --at "$at" --json >/dev/null; t1=$(now)
assess_s=$(secs "$t0" "$t1")
t0=$(now); "$AP" --store "$store" -q verify; t1=$(now)
verify_s=$(secs "$t0" "$t1")
cat <<REPORT
assess benchmark: $entries entries (1000 access-log entries of 1000 lines, 500 documents), all 8 frameworks
  sqlite3 count of the entries   ${count_s} s
  auditpack assess --json        ${assess_s} s   = $(ratio "$assess_s" "$count_s") x the sqlite3 count
  (of which verify of the store  ${verify_s} s)
REPORT
if "$AP" gate --help >/dev/null 2>&1; then
	t0=$(now); "$AP" --store "$store" -q gate --framework iso27001,eu-ai-act --at "$at" >/dev/null || true; t1=$(now)
	gate_s=$(secs "$t0" "$t1")
	echo "  auditpack gate                 ${gate_s} s   = $(ratio "$gate_s" "$assess_s") x assess"
fi

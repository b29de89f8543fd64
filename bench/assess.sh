#!/bin/bash
# assess (all frameworks) on a store of 1,000 access-log entries (1,000,000
# lines) and 500 other entries, as a ratio to sqlite3 counting the entries of
# the same store; and the gate on it, as a ratio to assess (its own overhead).
# Usage: bench/assess.sh [AUDITPACK]
set -eu
. "$(dirname "$0")/lib.sh"
logs="$out/assess-logs"
store="$out/assess-store"

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
# The gate on the same store and the same frameworks, with a policy that
# excludes a control and warns: its own overhead is the verify it runs
# first, the second assessment warn-before needs, and recording the decision.
cat >"$out/gate-policy.yaml" <<'YAML'
frameworks: [eu-ai-act, gdpr, hipaa, iso27001, iso42001, rbi, rbi-free-ai, sebi-cscrf]
exclude:
  - control: "iso27001:A.7.4"
    justification: "benchmark"
max-age: 7d
warn-before: 2d
YAML
time_of gate_s sh -c '"$0" --store "$1" -q gate --policy "$2" --at "$3" >/dev/null || true' \
	"$AP" "$store" "$out/gate-policy.yaml" "$at"
time_of gate1_s sh -c '"$0" --store "$1" -q gate --framework eu-ai-act,gdpr,hipaa,iso27001,iso42001,rbi,rbi-free-ai,sebi-cscrf --at "$2" >/dev/null || true' \
	"$AP" "$store" "$at"
cat <<REPORT
  auditpack gate (all 8, defaults)             ${gate1_s} s   = $(ratio "$gate1_s" "$assess_s") x assess
  auditpack gate (all 8, policy + warn-before) ${gate_s} s   = $(ratio "$gate_s" "$assess_s") x assess
REPORT

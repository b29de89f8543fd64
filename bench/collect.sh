#!/bin/bash
# Collecting a combined access log of N lines (about 200 bytes each) with PII
# detection and pseudonymisation on, as ratios to `sqlite3 .import` of the
# same file into a one-column table and to `sha256sum` of it; and the peak
# memory of the collector at N/2 and N lines (flat = streaming).
# Usage: bench/collect.sh [AUDITPACK] [N]
set -eu
. "$(dirname "$0")/lib.sh"
N=${2:-1000000}
log="$out/combined-$N.log"

gen_log "$N" "$log"
bytes=$(stat -c %s "$log")
half="$out/combined-half.log"
head -n $((N / 2)) "$log" >"$half"
cat "$log" >/dev/null

# Peak RSS (KiB) of a command, from the kernel's accounting of the child.
peak() { python3 -c '
import resource, subprocess, sys
subprocess.run(sys.argv[1:], check=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$@"; }

t0=$(now); sha256sum "$log" >/dev/null; t1=$(now); sha_s=$(secs "$t0" "$t1")
rm -f "$out/import.db"
t0=$(now)
sqlite3 "$out/import.db" "CREATE TABLE t(line TEXT);" ".mode ascii" ".separator \"\\037\" \"\\n\"" ".import $log t"
t1=$(now); imp_s=$(secs "$t0" "$t1")
rows=$(sqlite3 "$out/import.db" "SELECT count(*) FROM t")

store="$out/collect-store"
rm -rf "$store"
"$AP" --store "$store" -q init --origin bench.example/collect
t0=$(now)
rss_full=$(peak "$AP" --store "$store" -q collect logs --complete --format combined --name bench "$log")
t1=$(now); ap_s=$(secs "$t0" "$t1")
lines=$("$AP" --store "$store" list --json | python3 -c 'import json,sys; print(sum(e["attrs"]["lines"] for e in json.load(sys.stdin)))')
pii=$("$AP" --store "$store" list --json | python3 -c '
import collections, json, sys
c = collections.Counter()
for e in json.load(sys.stdin):
    c.update(e["attrs"]["pii"])
print(", ".join("%s %d" % kv for kv in sorted(c.items()) if kv[1]))')
rm -rf "$store"
"$AP" --store "$store" -q init --origin bench.example/collect
rss_half=$(peak "$AP" --store "$store" -q collect logs --complete --format combined --name bench "$half")

cat <<REPORT
collect benchmark: combined log, $N lines, $((bytes / 1048576)) MiB, PII pseudonymised ($(nproc) cores)
  sha256sum                      ${sha_s} s
  sqlite3 .import (one column)   ${imp_s} s   ($rows rows)
  auditpack collect logs         ${ap_s} s   = $(ratio "$ap_s" "$imp_s") x sqlite3 .import, $(ratio "$ap_s" "$sha_s") x sha256sum
                                 $(python3 -c "print(f'{$bytes / 1048576 / $ap_s:.0f}')") MiB/s, $lines lines, pii: $pii
  peak memory                    $((rss_half / 1024)) MiB at $((N / 2)) lines, $((rss_full / 1024)) MiB at $N lines
REPORT

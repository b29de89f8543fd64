#!/bin/bash
# GDPR erasure of one user from a store holding a combined log of N lines
# (pseudonymised, in 16 MiB segments), as a ratio to `grep -v -F` of the same
# user from the raw file (the line filter erase has to do), and the verify
# that follows.  Checks that erase removed exactly the lines grep counts.
# Usage: bench/erase.sh [AUDITPACK] [N]
set -eu
. "$(dirname "$0")/lib.sh"
N=${2:-1000000}
here=$(cd "$(dirname "$0")" && pwd)
log="$out/combined-$N.log"
store="$out/erase-store"
who=u-0042

[ -f "$log" ] || "$here/collect.sh" "$AP" "$N" >/dev/null
rm -rf "$store"
"$AP" --store "$store" -q init --origin bench.example/erase
"$AP" --store "$store" -q collect logs --complete --format combined --name bench "$log"
cat "$log" >/dev/null
want=$(grep -c -F -- " $who " "$log")

# (to a file: GNU grep stops at the first line when its output is /dev/null)
time_of grep_s grep -v -F -- " $who " "$log" >"$out/erase-grep.txt"
rm -f "$out/erase-grep.txt"
time_of erase_s "$AP" --store "$store" erase --subject "$who" --reason bench >"$out/erase.txt"
time_of verify_s "$AP" --store "$store" -q verify
got=$(sed -n 's/.* \([0-9]*\) log lines\{0,1\} removed.*/\1/p' "$out/erase.txt")
[ "$got" = "$want" ] || { echo "erase removed $got lines, grep counts $want" >&2; exit 1; }

cat <<REPORT
erase benchmark: one user out of $N combined-log lines ($((($(stat -c %s "$log")) / 1048576)) MiB), $want lines theirs
  grep -v -F (raw file)          ${grep_s} s
  auditpack erase                ${erase_s} s   = $(ratio "$erase_s" "$grep_s") x grep -v -F
  auditpack verify afterwards    ${verify_s} s
REPORT

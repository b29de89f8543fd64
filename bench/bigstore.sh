#!/bin/bash
# Peak memory of pack, verify-pack and verify on a store of about 1 GiB of
# access logs (issue 15: at most 100 MiB at any store size).  Slow (minutes:
# generating and collecting the log); not part of `make test`.
# Usage: bench/bigstore.sh [AUDITPACK] [LINES]   (make bench-big; LINES
# default 5600000, about 1 GiB of combined log)
set -eu
. "$(dirname "$0")/lib.sh"
n=${2:-5600000}
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "GNU time is needed (apt-get install time)" >&2; exit 1; }
w="$out/big"
mkdir -p "$w"
log="$out/combined-$n.log"
export AUDITPACK_NOW=2026-11-30T00:00:00Z
gen_log "$n" "$log"
store="$w/store"
# run WHAT COMMAND...: elapsed s and peak MiB
run() {
	local what=$1 s kib
	shift
	"$TIME" -f '%e %M' -o "$w/time" "$@" >"$w/out" 2>"$w/err" || { cat "$w/err" >&2; exit 1; }
	read -r s kib < <(tail -n 1 "$w/time")
	printf '  %-28s %8.1f s  %6d MiB peak\n' "$what" "$s" $((kib / 1024))
}
echo "big store: $n combined lines, $(( $(stat -c %s "$log") / 1048576 )) MiB of log ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
if [ ! -f "$store/.done" ]; then
	rm -rf "$store"
	"$AP" --store "$store" -q init --origin bench.example/big
	run "collect logs" "$AP" --store "$store" -q collect logs --complete --format combined --name big "$log"
	touch "$store/.done"
fi
sqlite3 "$store/evidence.db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
echo "  evidence.db                  $(( $(stat -c %s "$store/evidence.db") / 1048576 )) MiB, $("$AP" --store "$store" list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))') entries"
run "verify" "$AP" --store "$store" -q verify
rm -f "$w/pack.zip"
run "pack" "$AP" --store "$store" -q pack --framework iso27001 -o "$w/pack.zip"
echo "  pack.zip                     $(( $(stat -c %s "$w/pack.zip") / 1048576 )) MiB"
vkey=$("$AP" --store "$store" key show | awk '$2 == "active" {print $3}')
run "verify-pack" "$AP" -q verify-pack "$w/pack.zip" --vkey "$vkey"
run "unzip -t (for scale)" unzip -t -q "$w/pack.zip"

#!/bin/bash
# One table for issue 15: every stage as a ratio to its standard tool on the
# same bytes, with peak memory (GNU time, max RSS), at two input sizes.
#
#   collect logs   N combined lines, PII on     vs sqlite3 .import of the file
#   store size     evidence.db (+wal)           vs the raw log (and gzip -1 of it)
#   pack           that store                   vs zip -r -q -6 of the pack's own files
#   verify-pack    that pack                    vs unzip -t of it
#   collect file   M documents x 2 KiB          vs openssl dgst -sha256 of the files
#   pack, verify-pack of S small documents       as above, on a store of S of
#                  those documents (per-file costs: 6 files a document);
#                  the fastest of 5 runs of each side
#
# Usage: bench/table.sh [AUDITPACK]
#   LINES="250000 1000000" DOCS="25000 100000" SMALL="1000 10000"
#   (the two sizes; the defaults)
# Ratios are elapsed time (or bytes) of auditpack / the tool, run one after
# the other on the same files from the page cache: on a shared machine both
# see the same load, but repeat a run before trusting a 10% difference.
set -eu
. "$(dirname "$0")/lib.sh"
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "GNU time is needed (apt-get install time)" >&2; exit 1; }
read -r -a lines_v <<<"${LINES:-250000 1000000}"
read -r -a docs_v <<<"${DOCS:-25000 100000}"
read -r -a small_v <<<"${SMALL:-1000 10000}"
w="$out/table"
mkdir -p "$w"
export AUDITPACK_NOW=2026-11-30T00:00:00Z

# timed VAR_S VAR_MIB COMMAND...: elapsed seconds ("E/C": elapsed / CPU,
# user + system, of all its threads) and peak MiB of COMMAND.
timed() {
	local vs=$1 vm=$2 s kib u y
	shift 2
	"$TIME" -f '%e %M %U %S' -o "$w/time" "$@" >"$w/out" 2>"$w/err" ||
		{ cat "$w/err" >&2; echo "failed: $*" >&2; exit 1; }
	read -r s kib u y < <(tail -n 1 "$w/time")
	printf -v "$vs" '%s' "$s"
	printf -v "${vs}_cpu" '%s' "$(python3 -c "print(f'{$u + $y:.2f}')")"
	printf -v "$vm" '%s' $((kib / 1024))
}
# timed_best VAR_S VAR_MIB COMMAND...: as timed, the fastest of 5 runs (for
# commands of a tenth of a second, where one run is mostly noise).
timed_best() {
	local vs=$1 vm=$2 i best="" best_cpu="" best_m=0
	shift 2
	for i in 1 2 3 4 5; do
		timed _tb_s _tb_m "$@"
		if [ -z "$best" ] || python3 -c "import sys; sys.exit(not $_tb_s < $best)"; then
			best=$_tb_s
			best_cpu=$_tb_s_cpu
		fi
		[ "$_tb_m" -gt "$best_m" ] && best_m=$_tb_m
	done
	printf -v "$vs" '%s' "$best"
	printf -v "${vs}_cpu" '%s' "$best_cpu"
	printf -v "$vm" '%s' "$best_m"
}
mb() { python3 -c "print(f'{$1 / 1e6:.1f}')"; }
r2() { python3 -c "print(f'{$1 / max($2, 0.001):.2f}')"; }
row() { # STAGE SIZE AP_S AP_MIB TOOL TOOL_S TOOL_MIB RATIO AIM
	printf '| %-13s | %-25s | %12s | %6s | %-20s | %12s | %6s | %6sx | %-6s |\n' "$@"
}
# et NAME: "elapsed/cpu" of a timed variable
et() { local c="${1}_cpu"; echo "${!1}/${!c}"; }

gen_docs() { # M DIR: M random 2 KiB documents
	[ -f "$2/.done" ] && return
	rm -rf "$2"
	mkdir -p "$2"
	python3 - "$2" "$1" <<'PY'
import os, sys
d, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    sub = os.path.join(d, "%03d" % (i % 1000))
    os.makedirs(sub, exist_ok=True)
    with open(os.path.join(sub, "doc%06d.txt" % i), "wb") as f:
        f.write(os.urandom(2048))
PY
	touch "$2/.done"
}

echo "issue 15 benchmark: $AP ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg) at start)"
row stage input "ap s (cpu)" "ap MiB" "tool" "tool s (cpu)" "MiB" ratio aim
echo "|---------------|---------------------------|--------------|--------|----------------------|--------------|--------|---------|--------|"
for k in 0 1; do
	n=${lines_v[$k]}
	m=${docs_v[$k]}
	log="$out/combined-$n.log"
	gen_log "$n" "$log"
	bytes=$(stat -c %s "$log")
	mib=$((bytes / 1048576))
	cat "$log" >/dev/null

	# collect logs vs sqlite3 .import
	rm -f "$w/import.db"
	timed imp_s imp_m sqlite3 "$w/import.db" "CREATE TABLE t(line TEXT);" ".mode ascii" \
		".separator \"\\037\" \"\\n\"" ".import $log t"
	store="$w/store-$n"
	rm -rf "$store"
	"$AP" --store "$store" -q init --origin bench.example/table
	timed col_s col_m "$AP" --store "$store" -q collect logs --complete --format combined \
		--name bench "$log"
	row "collect logs" "$n lines, $mib MiB" "$(et col_s)" "$col_m" "sqlite3 .import" "$(et imp_s)" "$imp_m" \
		"$(r2 "$col_s" "$imp_s")" "<=1.0"

	# store size vs the raw log (and what gzip -1 makes of it)
	sqlite3 "$store/evidence.db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
	db=$(( $(stat -c %s "$store/evidence.db") + $(stat -c %s "$store/evidence.db-wal" 2>/dev/null || echo 0) ))
	gz=$(gzip -1 -c "$log" | wc -c)
	row "store size" "$n lines, $mib MiB" "$(mb "$db") MB" "-" "raw (gzip -1)" "$(mb "$bytes") MB" "$(mb "$gz")" \
		"$(r2 "$db" "$bytes")" "<=0.25"

	# pack vs zip -r -q -6 of the pack's own files
	rm -f "$w/pack.zip" "$w/zip.zip"
	timed pack_s pack_m "$AP" --store "$store" -q pack --framework iso27001 -o "$w/pack.zip"
	rm -rf "$w/x"
	mkdir -p "$w/x"
	(cd "$w/x" && unzip -q ../pack.zip)
	cat "$w"/x/evidence/* >/dev/null
	timed zip_s zip_m sh -c "cd '$w/x' && zip -r -q -6 '$w/zip.zip' ."
	row "pack" "$n lines, $(mb "$(stat -c %s "$w/pack.zip")")/$(mb "$(stat -c %s "$w/zip.zip")") MB" \
		"$(et pack_s)" "$pack_m" "zip -r -q -6" "$(et zip_s)" "$zip_m" "$(r2 "$pack_s" "$zip_s")" "<=1.0"

	# verify-pack vs unzip -t
	vkey=$("$AP" --store "$store" key show | awk '$2 == "active" {print $3}')
	timed unz_s unz_m unzip -t -q "$w/pack.zip"
	timed vp_s vp_m "$AP" -q verify-pack "$w/pack.zip" --vkey "$vkey"
	row "verify-pack" "$n lines" "$(et vp_s)" "$vp_m" "unzip -t" "$(et unz_s)" "$unz_m" \
		"$(r2 "$vp_s" "$unz_s")" "<=1.0"
	rm -rf "$w/x" "$w/zip.zip" "$w/import.db"

	# collect file vs openssl dgst -sha256
	docs="$out/docs-$m-2048"
	gen_docs "$m" "$docs"
	find "$docs" -type f -name 'doc*' | sort >"$w/list"
	xargs cat <"$w/list" >/dev/null
	timed dg_s dg_m xargs -a "$w/list" openssl dgst -sha256
	fstore="$w/fstore-$m"
	rm -rf "$fstore"
	"$AP" --store "$fstore" -q init --origin bench.example/files
	timed cf_s cf_m "$AP" --store "$fstore" -q collect file --files-from "$w/list"
	row "collect file" "$m x 2 KiB" "$(et cf_s)" "$cf_m" "openssl dgst -sha256" "$(et dg_s)" "$dg_m" \
		"$(r2 "$cf_s" "$dg_s")" "<=2.0"
	rm -rf "$fstore"

	# pack and verify-pack of S small documents (the first S of the M)
	sm=${small_v[$k]}
	sstore="$w/sstore-$sm"
	rm -rf "$sstore" "$w/spack.zip" "$w/szip.zip" "$w/x"
	"$AP" --store "$sstore" -q init --origin bench.example/small
	head -n "$sm" "$w/list" >"$w/slist"
	"$AP" --store "$sstore" -q collect file --files-from "$w/slist"
	timed_best spk_s spk_m "$AP" --store "$sstore" -q pack --framework iso27001 -o "$w/spack.zip"
	mkdir -p "$w/x"
	(cd "$w/x" && unzip -q ../spack.zip)
	timed_best szip_s szip_m sh -c "rm -f '$w/szip.zip' && cd '$w/x' && zip -r -q -6 '$w/szip.zip' ."
	row "pack" "$sm docs x 2 KiB" "$(et spk_s)" "$spk_m" "zip -r -q -6" "$(et szip_s)" "$szip_m" \
		"$(r2 "$spk_s" "$szip_s")" "<=1.0"
	skey=$("$AP" --store "$sstore" key show | awk '$2 == "active" {print $3}')
	timed_best sunz_s sunz_m unzip -t -q "$w/spack.zip"
	timed_best svp_s svp_m "$AP" -q verify-pack "$w/spack.zip" --vkey "$skey"
	row "verify-pack" "$sm docs x 2 KiB" "$(et svp_s)" "$svp_m" "unzip -t" "$(et sunz_s)" "$sunz_m" \
		"$(r2 "$svp_s" "$sunz_s")" "<=1.0"
	rm -rf "$sstore" "$w/spack.zip" "$w/szip.zip" "$w/x"
	[ -n "${KEEP_STORES:-}" ] || rm -rf "$store"
done
cat <<END
(load $(cut -d' ' -f1-3 /proc/loadavg) at the end.  ap = auditpack; s (cpu) = elapsed
seconds (CPU seconds, user + system, all threads); MiB = peak resident memory;
ratio = elapsed time (store size: bytes) of auditpack / the tool.  pack: its zip
and zip's, MB.  On a loaded machine a process gets its share of the cores whatever
its threads, so compare CPU seconds too.)
END

#!/bin/bash
# Benchmarks, as ratios against standard tools on the same input (never as
# timed assertions in tests).  Usage: bench/run.sh [AUDITPACK] [N] [SIZE]
#
# store: append N documents of SIZE bytes in one `collect file` run, and
# `verify` the resulting store; compared with `openssl dgst -sha256` and
# `sha256sum` hashing the same files (the SHA-NI floor: both must at least
# read and hash every byte, as auditpack does).
set -eu
. "$(dirname "$0")/lib.sh"
N=${2:-100000}
SIZE=${3:-2048}
docs="$out/docs-$N-$SIZE"
store="$out/store"


if [ ! -f "$docs/.done" ]; then
	echo "generating $N documents of $SIZE bytes in $docs ..."
	rm -rf "$docs"
	mkdir -p "$docs"
	python3 - "$docs" "$N" "$SIZE" <<'PY'
import os, sys
d, n, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for i in range(n):
    sub = os.path.join(d, "%03d" % (i % 1000))
    os.makedirs(sub, exist_ok=True)
    with open(os.path.join(sub, "doc%06d.txt" % i), "wb") as f:
        f.write(os.urandom(size))
PY
	touch "$docs/.done"
fi
find "$docs" -type f -name 'doc*' | sort >"$out/list"
bytes=$(( N * SIZE ))
cat "$out/list" >/dev/null
# Warm the page cache so every tool reads from memory.
xargs cat <"$out/list" >/dev/null

t0=$(now); xargs openssl dgst -sha256 <"$out/list" >/dev/null; t1=$(now)
openssl_s=$(secs "$t0" "$t1")
t0=$(now); xargs sha256sum <"$out/list" >/dev/null; t1=$(now)
sha_s=$(secs "$t0" "$t1")

rm -rf "$store"
"$AP" --store "$store" -q init --origin bench.example/store
t0=$(now); "$AP" --store "$store" -q collect file --files-from "$out/list"; t1=$(now)
append_s=$(secs "$t0" "$t1")
t0=$(now); "$AP" --store "$store" -q verify; t1=$(now)
verify_s=$(secs "$t0" "$t1")
db_mb=$(( $(stat -c %s "$store/evidence.db") / 1048576 ))

cat <<REPORT
store benchmark: $N documents x $SIZE bytes = $((bytes / 1048576)) MiB ($(nproc) cores)
  openssl dgst -sha256 (xargs)  ${openssl_s} s
  sha256sum (xargs)             ${sha_s} s
  auditpack collect file        ${append_s} s   = $(ratio "$append_s" "$openssl_s") x openssl dgst, $(ratio "$append_s" "$sha_s") x sha256sum
  auditpack verify              ${verify_s} s   = $(ratio "$verify_s" "$openssl_s") x openssl dgst, $(ratio "$verify_s" "$sha_s") x sha256sum
  store size                    ${db_mb} MiB
REPORT

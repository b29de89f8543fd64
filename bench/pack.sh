#!/bin/bash
# pack of 1000 entries holding 200 MB, as a ratio to `zip -r -q` of the same
# payload files (same compression level, 6); verify-pack of it as a ratio to
# `unzip -t` and to `openssl dgst -sha256` of its files.
# Usage: bench/pack.sh [AUDITPACK]
set -eu
. "$(dirname "$0")/lib.sh"
docs="$out/pack-docs"
store="$out/pack-store"

if [ ! -f "$docs/.done" ]; then
	rm -rf "$docs"
	mkdir -p "$docs"
	python3 - "$docs" <<'PY'
import os, random, sys
rng = random.Random(5)
words = [b"loan", b"applicant", b"credit", b"score", b"income", b"model", b"review", b"risk"]
for i in range(1000):
    with open(os.path.join(sys.argv[1], "doc-%04d.txt" % i), "wb") as f:
        # compressible text with random content: ~200 KB each
        f.write(b" ".join(rng.choice(words) + str(rng.randint(0, 99999)).encode() for _ in range(24000)))
PY
	touch "$docs/.done"
fi
rm -rf "$store" "$out/pack.zip" "$out/zip.zip"
"$AP" --store "$store" -q init --origin bench.example/pack
ls "$docs"/doc-*.txt | "$AP" --store "$store" -q collect file --type policy --files-from -
bytes=$(du -sb "$docs" | cut -f1)

t0=$(now); (cd "$docs" && zip -q -r -6 "$out/zip.zip" .); t1=$(now); zip_s=$(secs "$t0" "$t1")
t0=$(now); "$AP" --store "$store" -q pack --framework iso27001 -o "$out/pack.zip"; t1=$(now); pack_s=$(secs "$t0" "$t1")
t0=$(now); unzip -t -q "$out/pack.zip" >/dev/null; t1=$(now); unz_s=$(secs "$t0" "$t1")
rm -rf "$out/pack-x"; mkdir -p "$out/pack-x"; (cd "$out/pack-x" && unzip -q ../pack.zip)
t0=$(now); find "$out/pack-x" -type f -print0 | xargs -0 openssl dgst -sha256 >/dev/null; t1=$(now); dgst_s=$(secs "$t0" "$t1")
t0=$(now); "$AP" -q verify-pack "$out/pack.zip" >/dev/null 2>&1; t1=$(now); vp_s=$(secs "$t0" "$t1")
cat <<REPORT
pack benchmark: 1000 entries, $((bytes / 1048576)) MiB of payload ($(nproc) cores)
  zip -r -q -6 of the payload files   ${zip_s} s
  auditpack pack                      ${pack_s} s   = $(ratio "$pack_s" "$zip_s") x zip   ($(( $(stat -c %s "$out/pack.zip") / 1048576 )) MiB zip)
  unzip -t of the pack                ${unz_s} s
  openssl dgst -sha256 of its files   ${dgst_s} s
  auditpack verify-pack               ${vp_s} s   = $(ratio "$vp_s" "$unz_s") x unzip -t, $(ratio "$vp_s" "$dgst_s") x openssl dgst
REPORT

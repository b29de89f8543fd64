#!/bin/bash
# A 1 GiB log line (issue 10, item 3) and a 2 GiB sparse file of zeros: peak
# memory and time.  Too slow for `make test` (tests/cli/test_hugeinput.sh
# does the same with a 40 MiB line); run by hand or from bench/run.sh.
# Usage: bench/hugeline.sh [AUDITPACK] [LINE_MIB]
set -eu
. "$(dirname "$0")/lib.sh"
mib=${2:-1024}
dir="$out/hugeline"
rm -rf "$dir"
mkdir -p "$dir"
export AUDITPACK_STORE="$dir/store"
"$AP" -q init --origin bench.example/hugeline
log="$dir/access.log"
python3 - "$log" "$mib" <<'PY'
import sys
path, mib = sys.argv[1], int(sys.argv[2])
block = b"".join(b"carol.white%d@bank.example lorem ipsum dolor sit amet " % i for i in range(20000))
with open(path, "wb") as f:
    f.write(b'10.0.0.1 - - [28/Nov/2026:10:00:00 +0000] "GET /a HTTP/1.1" 200 1 "-" "-"\n')
    n = 0
    while n < mib << 20:
        f.write(block)
        n += len(block)
    f.write(b"\n")
    f.write(b'10.0.0.2 - - [28/Nov/2026:10:00:01 +0000] "GET /b HTTP/1.1" 200 1 "-" "-"\n')
PY
size=$(stat -c %s "$log")
peak() { sed -n 's/.*Maximum resident set size (kbytes): //p' "$dir/time"; }
/usr/bin/time -v -o "$dir/time" "$AP" collect logs --format combined --name huge "$log"
echo "hugeline: ${mib} MiB line ($size bytes): collect $(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$dir/time"), peak RSS $(($(peak) / 1024)) MiB"
"$AP" list --source huge --json | python3 -c '
import json, sys
es = json.load(sys.stdin)
a = [e["attrs"] for e in es]
print("hugeline: %d entries, largest payload %d bytes, %d lines, %d malformed, %d e-mails scrubbed" % (
    len(es), max(e["payload_size"] for e in es), sum(x["lines"] for x in a),
    sum(x["malformed"] for x in a), sum(x["pii"]["email"] for x in a)))'
/usr/bin/time -v -o "$dir/time" "$AP" verify >/dev/null
echo "hugeline: verify $(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$dir/time"), peak RSS $(($(peak) / 1024)) MiB"
printf '10.0.0.3 - - [28/Nov/2026:10:00:02 +0000] "GET /c HTTP/1.1" 200 1 "-" "-"\n' >>"$log"
"$AP" collect logs --format combined --name huge "$log"
rm -f "$log"
truncate -s 2G "$dir/zeros.log"
rc=0
/usr/bin/time -v -o "$dir/time" "$AP" collect logs --format combined --name zeros "$dir/zeros.log" 2>/dev/null || rc=$?
echo "zeros: 2 GiB sparse file: exit $rc in $(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$dir/time"), peak RSS $(($(peak) / 1024)) MiB"
rm -rf "$dir"

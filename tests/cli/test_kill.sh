# A collect killed with SIGKILL at random moments leaves a store that
# verifies and holds all or none of each run's files
# (issue 2, "It must show" 6).
. "$TESTS/cli/lib.sh"
"$AP" -q init --origin test.example/kill
mkdir -p "$WORK/many"
for i in $(seq 1 120); do
	head -c 40000 /dev/urandom >"$WORK/many/f$i"
done
files=("$WORK"/many/f*)

# kill_within PID MS: SIGKILL the background run PID at a random moment
# within MS milliseconds, and reap it.
kill_within() {
	local pid=$1 ms=$((RANDOM % $2))
	sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}
n=${#files[@]}
# Kill at a random moment within half the time one whole run takes here, so
# most kills land inside the run (opening, reading, appending, committing).
start=$(date +%s%N)
"$AP" -q collect file --name timing "${files[@]}" || die "timing run failed"
window_ms=$(( ($(date +%s%N) - start) / 2000000 + 1 ))
tries=${KILL_TRIES:-25}
all=0 none=0
RANDOM=4242
for t in $(seq 1 "$tries"); do
	"$AP" -q collect file --name "run$t" "${files[@]}" &
	kill_within $! "$window_ms"
	got=$(db "SELECT count(*) FROM entries WHERE source = 'run$t'")
	case "$got" in
	0) none=$((none + 1)) ;;
	"$n") all=$((all + 1)) ;;
	*) die "try $t: $got of $n files recorded" ;;
	esac
	"$AP" verify >"$WORK/out" 2>"$WORK/err" || { cat "$WORK/err"; die "try $t: store does not verify"; }
done
ok "$tries runs killed within ${window_ms} ms: $all recorded all $n files, $none recorded none, none partial; the store verified after each"
expect_exit 0 "a run after the kills completes" -- "$AP" collect file --name final "${files[@]}"
expect_exit 0 "and the store verifies" -- "$AP" verify

# An erase killed at random moments: the tombstone and the restated entries
# land together with the deletions, or nothing happened.
export AUDITPACK_STORE="$WORK/erase-store"
"$AP" -q init --origin test.example/kill-erase || die "init"
python3 - "$WORK/big.log" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(60000):
        f.write('10.0.%d.%d - u-%04d [26/Nov/2026:%02d:%02d:%02d +0000] "GET /v1/models HTTP/1.1" 200 %d "-" "x"\n'
                % (i % 250, i % 200 + 1, i % 40, i // 3600 % 24, i // 60 % 60, i % 60, i))
PY
"$AP" -q collect logs --complete --format combined --name big "$WORK/big.log" || die "collect big"
cp -r "$AUDITPACK_STORE" "$WORK/erase-pristine"
start=$(date +%s%N)
"$AP" -q erase --subject u-0007 --reason timing || die "timing erase failed"
window_ms=$(( ($(date +%s%N) - start) / 1000000 + 1 ))
done_n=0 none_n=0
for t in $(seq 1 "${KILL_TRIES_ERASE:-10}"); do
	rm -rf "$AUDITPACK_STORE"; cp -r "$WORK/erase-pristine" "$AUDITPACK_STORE"
	"$AP" -q erase --subject u-0007 --reason "try $t" &
	kill_within $! "$window_ms"
	tomb=$(db "SELECT count(*) FROM entries WHERE kind = 'tombstone'")
	erased=$(db "SELECT count(*) FROM entries WHERE erased = 1")
	case "$tomb:$erased" in
	0:0) none_n=$((none_n + 1)) ;;
	1:*) [ "$erased" -gt 0 ] || die "try $t: a tombstone but nothing erased"; done_n=$((done_n + 1)) ;;
	*) die "try $t: $tomb tombstones, $erased erased entries" ;;
	esac
	"$AP" verify >"$WORK/out" 2>"$WORK/err" || { cat "$WORK/err"; die "try $t: store does not verify after a killed erase"; }
done
ok "erase killed within ${window_ms} ms: $done_n completed, $none_n left no trace; the store verified after each"
# collect logs on two worker threads, killed at random moments while the log
# grows: every line is taken exactly once, in order, byte for byte
# (issue 15).
export AUDITPACK_STORE="$WORK/logs-store"
"$AP" -q init --origin test.example/kill-logs || die "init"
: >"$WORK/grow.log"
grow() {
	python3 - "$WORK/grow.log" "$1" <<'PY'
import sys
with open(sys.argv[1], "a") as f:
    b = int(sys.argv[2]) * 20000
    for i in range(b, b + 20000):
        f.write('10.0.%d.%d - u-%04d [26/Nov/2026:%02d:%02d:%02d +0000] "GET /v1/m?mail=a%d@example.com HTTP/1.1" 200 %d\n'
                % (i % 250, i % 200 + 1, i % 40, i // 3600 % 24, i // 60 % 60, i % 60, i, i))
PY
}
grow 0
start=$(date +%s%N)
"$AP" -q collect logs --jobs 2 --pii keep --format common --name timing "$WORK/grow.log" || die "timing"
window_ms=$(( ($(date +%s%N) - start) / 1000000 + 1 ))
for t in $(seq 1 "${KILL_TRIES_LOGS:-12}"); do
	"$AP" -q collect logs --jobs 2 --pii keep --format common --name grow "$WORK/grow.log" &
	kill_within $! "$window_ms"
	"$AP" verify >"$WORK/out" 2>"$WORK/err" || { cat "$WORK/err"; die "try $t: store does not verify"; }
	grow "$t"
done
"$AP" -q collect logs --jobs 2 --pii keep --format common --name grow "$WORK/grow.log" || die "final run"
: >"$WORK/got"
for i in $(db "SELECT idx FROM entries WHERE source = 'grow' ORDER BY idx"); do
	"$AP" show --payload "$i" >>"$WORK/got" || die "show $i"
done
cmp -s "$WORK/got" "$WORK/grow.log" || die "the entries do not hold the log exactly once"
lines=$(wc -l <"$WORK/grow.log")
[ "$(db "SELECT sum(json_extract(attrs, '$.lines')) FROM entries WHERE source = 'grow'")" = "$lines" ] ||
	die "lines counted are not the $lines written"
ok "collect logs --jobs 2 killed within ${window_ms} ms ${KILL_TRIES_LOGS:-12} times while the log grew: its $lines lines were taken exactly once, in order, byte for byte"
echo "$checks checks"

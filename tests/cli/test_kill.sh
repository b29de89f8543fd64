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
	pid=$!
	ms=$((RANDOM % window_ms))
	sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
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
echo "$checks checks"

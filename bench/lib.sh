# What every benchmark shares (sourced after `set -eu`, with the script's
# arguments still in "$@"): AP, the binary under test (argument 1, default
# ./auditpack); out, bench/out, where inputs and stores are kept between runs;
# and the timing helpers.
AP=$(realpath "${1:-./auditpack}")
out=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/out
mkdir -p "$out"

now() { date +%s.%N; }
# secs T0 T1: elapsed seconds, 3 decimals.
secs() { python3 -c "print(f'{$2 - $1:.3f}')"; }
# ratio A B: A / B, 2 decimals.
ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }
# time_of VAR COMMAND...: run, store the elapsed seconds in VAR.
time_of() {
	local var=$1 t0 t1
	shift
	t0=$(now); "$@"; t1=$(now)
	printf -v "$var" '%s' "$(secs "$t0" "$t1")"
}

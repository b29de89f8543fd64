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

# gen_log N PATH: a combined access log of N lines (~190 bytes each), made
# once and kept (every bench that collects logs uses it).
gen_log() {
	[ -f "$2" ] && return
	python3 - "$2" "$1" <<'PY'
import random, sys, time
rng = random.Random(7)
path, n = sys.argv[1], int(sys.argv[2])
users = ["u-%04d" % i for i in range(3000)] + ["-"] * 50
routes = ["/v1/chat/completions", "/v1/embeddings", "/v1/models", "/v1/moderations",
          "/v1/chat/completions?session=%s" % "jane.doe@bank.example"]
t = 1795478400
with open(path + ".tmp", "w") as f:
    for i in range(n):
        t += rng.randint(0, 1)
        f.write('10.%d.%d.%d - %s [%s +0000] "POST %s HTTP/1.1" %d %d "https://desk.bank.example/app" "Mozilla/5.0 (X11; Linux x86_64) credit-desk/4.2"\n' % (
            rng.randint(0, 255), rng.randint(0, 255), rng.randint(1, 254), rng.choice(users),
            time.strftime("%d/%b/%Y:%H:%M:%S", time.gmtime(t)), rng.choice(routes),
            rng.choice([200] * 30 + [401, 403, 429, 500]), rng.randint(100, 20000)))
import os; os.rename(path + ".tmp", path)
PY
}

# Access logs: real logs nobody here wrote, every format, partial lines,
# exactly-once under rotation and kills, configured sources and commands
# (issue 3, "It must show" 1, 2 and 6).
. "$TESTS/cli/lib.sh"
"$AP" -q init --origin test.example/logs
attr() { "$AP" show "$1" --json | python3 -c "import json,sys; print(json.load(sys.stdin)['attrs']$2)"; }

# --- loghub: real sshd and Linux syslog ---
data="$TESTS/data/loghub"
expect_exit 0 "OpenSSH_2k.log as syslog" -- "$AP" collect logs --complete --format syslog --name ssh "$data/OpenSSH_2k.log"
[ "$(attr 0 "['lines']")" = 2000 ] && [ "$(attr 0 "['malformed']")" = 0 ] && [ "$(attr 0 "['parsed']")" = 2000 ] ||
	die "OpenSSH lines/malformed: $(attr 0 "['lines']") $(attr 0 "['malformed']")"
ok "OpenSSH_2k: lines 2000, parsed 2000, malformed 0"
# sshd's own "Failed <method> for" lines, plus N for each "message repeated N
# times: [ Failed ...]" (pam_unix's copy of the same failure is not counted).
want=$(( $(grep -cE 'sshd\[[0-9]+\]: Failed [^ ]+ for' "$data/OpenSSH_2k.log") +
	$(grep -oE 'message repeated [0-9]+ times: \[ Failed' "$data/OpenSSH_2k.log" | awk '{s += $3} END {print s}') ))
[ "$want" = 532 ] || die "grep counts $want sshd failures (the test expects loghub's 532)"
[ "$(attr 0 "['auth_failures']")" = "$want" ] || die "OpenSSH auth_failures $(attr 0 "['auth_failures']"), grep $want"
ok "OpenSSH_2k: auth_failures 532, as grep counts"
expect_exit 0 "Linux_2k.log as syslog" -- "$AP" collect logs --complete --format syslog --name linux "$data/Linux_2k.log"
[ "$(attr 1 "['lines']")" = 2000 ] && [ "$(attr 1 "['malformed']")" = 0 ] || die "Linux lines/malformed"
ok "Linux_2k: lines 2000, malformed 0"
# pam_unix "authentication failure" (sshd, su, login, gdm ...) and klogind's
# "Authentication failed from".
want=$(( $(grep -c 'authentication failure' "$data/Linux_2k.log") +
	$(grep -c ']: Authentication failed from' "$data/Linux_2k.log") ))
[ "$want" = 513 ] || die "grep counts $want Linux failures (the test expects 490 + 23)"
[ "$(attr 1 "['auth_failures']")" = "$want" ] || die "Linux auth_failures $(attr 1 "['auth_failures']"), grep $want"
ok "Linux_2k: auth_failures 513 (490 pam_unix + 23 klogind), as grep counts"
[ "$(attr 0 "['first_event']")" != None ] && [ "$(attr 0 "['users']")" -gt 10 ] || die "users"
ok "OpenSSH_2k: $(attr 0 "['users']") distinct users, first event $(attr 0 "['first_event']")"

# --- a partial last line waits for the next run ---
printf '<34>1 2026-11-28T10:00:00Z gw sshd 1 - - Accepted password for alice from 10.0.0.1 port 1 ssh2\n<34>1 2026-11-28T10:00:05Z gw sshd 1 - - Failed password for bob from 10.0.0.2 port 2 ssh2' >"$WORK/part.log"
expect_exit 0 "a log whose last line is unfinished" -- "$AP" collect logs --format syslog --name part "$WORK/part.log"
n=$("$AP" list --source part --json | python3 -c 'import json,sys; print(sum(e["attrs"]["lines"] for e in json.load(sys.stdin)))')
[ "$n" = 1 ] || die "partial: $n lines taken"
ok "only the finished line is taken"
printf '\n' >>"$WORK/part.log"
expect_exit 0 "collect after the line is finished" -- "$AP" collect logs --format syslog --name part "$WORK/part.log"
"$AP" list --source part --json | python3 -c '
import json,sys
e = json.load(sys.stdin)
assert [x["attrs"]["lines"] for x in e] == [1, 1], e
assert e[1]["attrs"]["auth_failures"] == 1 and e[1]["attrs"]["offset_start"] == e[0]["attrs"]["offset_end"]' ||
	die "second run"
ok "the next run takes it, starting where the last stopped"
expect_exit 0 "a run with nothing new" -- "$AP" collect logs --format syslog --name part "$WORK/part.log"
[ "$("$AP" list --source part | wc -l)" = 2 ] || die "an empty run added an entry"
ok "a run with nothing new adds no entry"

# --- every format, malformed lines counted and kept ---
cat >"$WORK/common.log" <<'LOG'
10.1.1.1 - alice [28/Nov/2026:10:00:00 +0530] "GET /v1/models HTTP/1.1" 200 512
10.1.1.2 - - [28/Nov/2026:10:00:01 +0530] "POST /v1/chat HTTP/1.1" 401 12
garbage that is not a log line
10.1.1.3 - carol [28/Nov/2026:10:00:09 +0530] "POST /v1/chat HTTP/1.1" 403 12
10.1.1.4 - - [28/Nov/2026:10:00:10 +0530] "GET /v1/models HTTP/1.1" 200 512
LOG
expect_exit 0 "common" -- "$AP" collect logs --format common --name clf "$WORK/common.log"
"$AP" list --source clf --json | python3 -c '
import json,sys
a = json.load(sys.stdin)[0]["attrs"]
assert (a["lines"], a["parsed"], a["malformed"], a["malformed_lines"]) == (5, 4, 1, [3]), a
assert a["first_event"] == "2026-11-28T04:30:00Z" and a["last_event"] == "2026-11-28T04:30:10Z", a
assert a["status"] == {"200": 2, "401": 1, "403": 1} and a["auth_failures"] == 2, a
# the refused 401 names no user and is not "unattributed"; the served 200 is
assert a["users"] == 2 and a["unattributed"] == 1 and a["max_gap_seconds"] == 8, a' || die "common attrs"
ok "common: counts, malformed line 3 kept and named, times in UTC, 401/403 as failures, a served request without a user unattributed"

cat >"$WORK/audit.log" <<'LOG'
type=USER_AUTH msg=audit(1764400000.100:501): pid=1 uid=0 auid=4294967295 ses=4294967295 msg='op=PAM:authentication grantors=? acct="mallory" exe="/usr/sbin/sshd" hostname=10.9.9.9 addr=10.9.9.9 terminal=ssh res=failed'
type=USER_AUTH msg=audit(1764400005.200:502): pid=1 uid=0 auid=4294967295 ses=4294967295 msg='op=PAM:authentication grantors=pam_unix acct="alice" exe="/usr/sbin/sshd" hostname=10.9.9.8 addr=10.9.9.8 terminal=ssh res=success'
type=SYSCALL msg=audit(1764400010.300:503): arch=c000003e syscall=59 success=yes exit=0 a0=1 items=2 ppid=1 pid=2 auid=1000 uid=0 comm="sudo" exe="/usr/bin/sudo" key="privileged"
type=EXECVE msg=audit(1764400010.300:503): argc=2 a0="sudo" a1="id"
type=USER_LOGIN msg=audit(1764400020.400:504): pid=1 uid=0 msg='op=login acct="mallory" exe="/usr/sbin/sshd" res=failed'
type=USER_ERR msg=audit(1764400020.400:504): pid=1 uid=0 msg='op=PAM:bad_ident acct="?" exe="/usr/sbin/sshd" res=failed'
not an audit record
LOG
expect_exit 0 "auditd" -- "$AP" collect logs --complete --format auditd --name audit "$WORK/audit.log"
"$AP" list --source audit --json | python3 -c '
import json,sys
a = json.load(sys.stdin)[0]["attrs"]
assert (a["lines"], a["parsed"], a["malformed"], a["malformed_lines"]) == (7, 6, 1, [7]), a
assert a["auth_failures"] == 2, a   # serials 501 and 504 (two records, one event)
assert a["users"] == 2 and a["first_event"] == "2025-11-29T07:06:40Z", a' || die "auditd attrs"
ok "auditd: records grouped by serial, failed events 2, malformed line 7"

cat >"$WORK/rfc5424.log" <<'LOG'
<38>1 2026-11-28T09:00:00.123Z bastion sshd 4711 - - Failed publickey for deploy from 192.0.2.7 port 22 ssh2
<38>1 2026-11-28T09:00:30+05:30 bastion sudo - - [meta sequenceId="1"] alice : 3 incorrect password attempts ; TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/ls
<38>1 2026-11-28T09:01:00Z bastion sudo - - - bob : TTY=pts/1 ; PWD=/ ; USER=root ; COMMAND=/usr/bin/id
<38>1 not-a-time bastion x - - - broken
LOG
expect_exit 0 "syslog RFC 5424" -- "$AP" collect logs --complete --format syslog --name r5424 "$WORK/rfc5424.log"
"$AP" list --source r5424 --json | python3 -c '
import json,sys
a = json.load(sys.stdin)[0]["attrs"]
assert (a["lines"], a["parsed"], a["malformed"]) == (4, 3, 1), a
assert a["auth_failures"] == 4 and a["users"] == 3, a   # 1 sshd + 3 sudo attempts
assert a["first_event"] == "2026-11-28T03:30:30Z", a' || die "rfc5424 attrs"
ok "syslog RFC 5424: sshd and sudo failures (3 attempts in one line), structured data skipped"

# --- exactly once under rotation, copy-truncate, partial lines and SIGKILL ---
python3 "$TESTS/cli/exactly_once.py" "$AP" "$WORK" "${EO_ROUNDS:-60}" >"$WORK/eo.out" 2>&1 ||
	{ cat "$WORK/eo.out"; die "exactly once"; }
ok "$(head -n1 "$WORK/eo.out")"
ok "$(tail -n1 "$WORK/eo.out")"
# and with lines parsed and scrubbed on two worker threads (issue 15)
python3 "$TESTS/cli/exactly_once.py" "$AP" "$WORK" "${EO_ROUNDS:-60}" 2 >"$WORK/eo.out" 2>&1 ||
	{ cat "$WORK/eo.out"; die "exactly once, --jobs 2"; }
ok "--jobs 2: $(head -n1 "$WORK/eo.out")"
ok "--jobs 2: $(tail -n1 "$WORK/eo.out")"

# --- hostile lines: counted and kept, never a crash, never a lost good line ---
python3 - "$WORK/hostile.jsonl" <<'PY'
import json, os, sys
good = lambda i: (json.dumps({"ts": "2026-11-28T10:00:%02dZ" % i, "u": "user%d" % i, "s": 200}) + "\n").encode()
parts = [good(0), b'{"ts": "2026-11-28T10:00:01Z", "u": \n', good(2),
         os.urandom(4096).replace(b"\n", b"x") + b"\n", good(3),
         b'{"ts":"2026-11-28T10:00:04Z","u":"caf\xe9\xff"}\n', good(5),
         b"A" * (10 * 1024 * 1024) + b"\n", good(6), b"\x00\x00\x00\n", good(7)]
open(sys.argv[1], "wb").write(b"".join(parts))
PY
expect_exit 0 "a log with broken JSON, binary garbage, invalid UTF-8 and a 10 MB line" -- \
	"$AP" collect logs --pii keep --format jsonl --name hostile --field time=ts --field user=u --field status=s "$WORK/hostile.jsonl"
"$AP" list --source hostile --json | python3 -c '
import json,sys
es = json.load(sys.stdin)
lines = sum(e["attrs"]["lines"] for e in es); parsed = sum(e["attrs"]["parsed"] for e in es)
bad = sum(e["attrs"]["malformed"] for e in es)
assert (lines, parsed, bad) == (11, 6, 5), (lines, parsed, bad)
assert es[0]["attrs"]["malformed_lines"] == [2, 4, 6, 8, 10], es[0]["attrs"]["malformed_lines"]
assert es[0]["attrs"]["users"] == 6, es[0]["attrs"]' || die "hostile counts"
idx=$("$AP" list --source hostile --json | python3 -c 'import json,sys; print(" ".join(str(e["index"]) for e in json.load(sys.stdin)))')
for i in $idx; do "$AP" show "$i" --payload; done | cmp - "$WORK/hostile.jsonl" || die "bytes were lost or changed"
ok "11 lines: 6 parsed, 5 malformed (lines 2, 4, 6, 8, 10) kept byte for byte, the 10 MB line streamed"

# --- many files in one run (the cursor table grows while the run is planned) ---
mkdir -p "$WORK/many"
for i in $(seq 1 300); do printf 'Nov 28 10:00:%02d h app[1]: line %d\n' $((i % 60)) "$i" >"$WORK/many/f$i.log"; done
expect_exit 0 "300 log files in one run" -- "$AP" collect logs --format syslog --name many "$WORK/many/*.log"
[ "$("$AP" list --source many | wc -l)" = 300 ] || die "not one entry per file"
expect_exit 0 "and again, with nothing new" -- "$AP" collect logs --format syslog --name many "$WORK/many/*.log"
[ "$("$AP" list --source many | wc -l)" = 300 ] || die "a second run added entries"
ok "300 files: one entry each, none again"

# --- bad input: the whole run is rolled back ---
cp_before=$("$AP" checkpoint)
expect_exit 3 "a missing log" -- "$AP" collect logs --format syslog --name ssh "$WORK/nope.log"
expect_err "cannot open '$WORK/nope.log'" "names the missing log"
expect_exit 3 "a directory as a log" -- "$AP" collect logs --format syslog --name ssh "$WORK"
expect_err "is a directory" "says it is a directory"
expect_exit 2 "an unknown format" -- "$AP" collect logs --format xml "$WORK/part.log"
expect_exit 2 "jsonl without a time field" -- "$AP" collect logs --format jsonl "$WORK/part.log"
[ "$("$AP" checkpoint)" = "$cp_before" ] || die "store changed"
ok "bad input leaves the same checkpoint"
expect_exit 0 "the store verifies" -- "$AP" verify
echo "$checks checks"

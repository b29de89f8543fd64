# Event times outside 1970..9999 (UTC) and huge numbers in log lines
# (issue 10, items 1 and 4): every such line is malformed -- kept, counted,
# its user pseudonymised -- never an entry time; the store keeps verifying
# and reading.  And a store that already holds a leaf with the placeholder
# "0000-00-00T00:00:00Z" (written by release 0.1.0) verifies and reads.
. "$TESTS/cli/lib.sh"
export AUDITPACK_NOW=2026-11-30T06:00:00Z
"$AP" -q init --origin test.example/times || die "init failed"
attrs() { "$AP" show "$1" --json | python3 -c "import json,sys; a = json.load(sys.stdin)['attrs']; print(a['lines'], a['parsed'], a['malformed'], a['first_event'], a['last_event'])"; }
payload_has() { "$AP" show "$1" --payload | grep -q -- "$2"; }

# usable_store WHAT: the store verifies and every reading command works.
usable_store() {
	expect_exit 0 "$1: verify" -- "$AP" verify
	expect_exit 0 "$1: list" -- "$AP" list
	expect_exit 0 "$1: list --json" -- "$AP" list --json
	n=$("$AP" list | wc -l)
	for ((i = 0; i < n; i++)); do
		"$AP" show "$i" --json >/dev/null && "$AP" show "$i" >/dev/null ||
			die "$1: show $i fails"
	done
	ok "$1: show works for all $n entries"
	expect_exit 0 "$1: assess --json" -- "$AP" assess --json
	expect_exit 0 "$1: pack" -- "$AP" pack --framework iso27001,gdpr -o "$WORK/p.zip"
	expect_exit 0 "$1: verify-pack" -- "$AP" verify-pack "$WORK/p.zip"
}

# collect_bad NAME WANT_MALFORMED FORMAT-OPTIONS... FILE: exit 0, the entry
# counts exactly the out-of-range lines as malformed, and its event times
# are the good lines'.
idx=0
collect_bad() {
	local name=$1 want=$2 first=$3 last=$4
	shift 4
	expect_exit 0 "$name: out-of-range times are collected" -- "$AP" collect logs --name "$name" "$@"
	got=$(attrs $idx)
	[ "$got" = "$want $first $last" ] || die "$name: lines/parsed/malformed/first/last '$got', want '$want $first $last'"
	ok "$name: $want (lines parsed malformed), events $first .. $last"
	idx=$((idx + 1))
}

# --- jsonl: numeric epoch seconds and milliseconds, floats, strings ---
cat >"$WORK/a.jsonl" <<'LOG'
{"ts":"2026-11-28T10:00:00Z","user":"alice"}
{"ts":253402300800000,"user":"mallory1"}
{"ts":"9999-12-31T23:59:59-23:59","user":"mallory2"}
{"ts":1e300,"user":"mallory3"}
{"ts":-1e300,"user":"mallory4"}
{"ts":-1,"user":"mallory5"}
{"ts":9223372036854775807,"user":"mallory6"}
{"ts":-9223372036854775808,"user":"mallory7"}
{"ts":"1969-12-31T23:59:59Z","user":"mallory8"}
{"ts":"0000-01-01T00:00:00Z","user":"mallory9"}
{"ts":253402300799999,"user":"bob"}
{"ts":1764324000.5,"user":"carol"}
LOG
collect_bad jsonl "12 3 9" 2025-11-28T10:00:00Z 9999-12-31T23:59:59Z \
	--format jsonl --field time=ts --field user=user "$WORK/a.jsonl"
for u in mallory1 mallory2 mallory3 mallory6 mallory9 alice; do
	payload_has 0 "$u" && die "jsonl: user $u stored in clear"
done
ok "jsonl: the users of out-of-range lines are pseudonymised too"

# --- auditd: msg=audit(SECONDS:SERIAL) with floats out of range ---
cat >"$WORK/audit.log" <<'LOG'
type=USER_AUTH msg=audit(1764324000.123:100): pid=1 uid=0 msg='op=PAM:authentication acct="alice" exe="/usr/bin/sudo" res=failed'
type=USER_AUTH msg=audit(253402300800.0:1): pid=1 uid=0 msg='op=PAM:authentication acct="mallory" exe="/usr/bin/sudo" res=failed'
type=USER_AUTH msg=audit(1e300:2): pid=1 uid=0 msg='op=PAM:authentication acct="mallory" res=failed'
type=USER_AUTH msg=audit(inf:3): pid=1 uid=0 msg='op=PAM:authentication acct="mallory" res=failed'
type=USER_AUTH msg=audit(nan:4): pid=1 uid=0 msg='op=PAM:authentication acct="mallory" res=failed'
type=USER_AUTH msg=audit(-5.0:5): pid=1 uid=0 msg='op=PAM:authentication acct="mallory" res=failed'
type=USER_AUTH msg=audit(9.3e18:6): pid=1 uid=0 msg='op=PAM:authentication acct="mallory" res=failed'
type=USER_AUTH msg=audit(253402300799.9:7): pid=1 uid=0 msg='op=PAM:authentication acct="bob" res=failed'
LOG
collect_bad auditd "8 2 6" 2025-11-28T10:00:00Z 9999-12-31T23:59:59Z --format auditd "$WORK/audit.log"
payload_has 1 mallory && die "auditd: user of an out-of-range line stored in clear"
ok "auditd: the users of out-of-range lines are pseudonymised too"

# --- syslog: RFC 5424 and RFC 3164 with an RFC 3339 stamp ---
cat >"$WORK/sys.log" <<'LOG'
<34>1 2026-11-28T10:00:00Z gw sshd 1 - - Failed password for alice from 10.0.0.1 port 1 ssh2
<34>1 9999-12-31T23:59:59-23:59 gw sshd 1 - - Failed password for mallory from 10.0.0.2 port 2 ssh2
<34>1 1969-12-31T23:59:59Z gw sshd 1 - - Failed password for mallory from 10.0.0.2 port 2 ssh2
<34>1 0000-01-01T00:00:00+00:01 gw sshd 1 - - Failed password for mallory from 10.0.0.2 port 2 ssh2
9999-12-31T23:59:59-23:59 gw sshd[1]: Failed password for mallory from 10.0.0.2 port 2 ssh2
1970-01-01T00:00:00+00:01 gw sshd[1]: Failed password for mallory from 10.0.0.2 port 2 ssh2
<34>1 9999-12-31T23:59:59Z gw sshd 1 - - Failed password for bob from 10.0.0.3 port 3 ssh2
LOG
collect_bad syslog "7 2 5" 2026-11-28T10:00:00Z 9999-12-31T23:59:59Z --format syslog "$WORK/sys.log"

# --- combined / common: offsets past the range; sizes of 2^31 and more ---
cat >"$WORK/access.log" <<'LOG'
10.0.0.1 - alice [28/Nov/2026:10:00:00 +0000] "GET /a HTTP/1.1" 200 3000000000 "-" "curl"
10.0.0.2 - mallory [31/Dec/9999:23:59:59 -2359] "GET /b HTTP/1.1" 200 10 "-" "curl"
10.0.0.2 - mallory [01/Jan/1970:00:00:00 +0001] "GET /b HTTP/1.1" 200 10 "-" "curl"
10.0.0.3 - bob [28/Nov/2026:10:00:01 +0000] "GET /c HTTP/1.1" 200 2147483648 "-" "curl"
10.0.0.4 - carol [28/Nov/2026:10:00:02 +0000] "GET /d HTTP/1.1" 200 99999999999999999999999999 "-" "curl"
10.0.0.5 - dave [28/Nov/2026:10:00:03 +0000] "GET /e HTTP/1.1" 200 18446744073709551615 "-" "curl"
10.0.0.6 - erin [28/Nov/2026:10:00:04 +0000] "GET /f HTTP/1.1" 200 12x "-" "curl"
LOG
collect_bad combined "7 4 3" 2026-11-28T10:00:00Z 2026-11-28T10:00:03Z --format combined "$WORK/access.log"
payload_has 3 mallory && die "combined: user of an out-of-range line stored in clear"
ok "combined: the users of out-of-range lines are pseudonymised too"
cut -d' ' -f1-10 "$WORK/access.log" >"$WORK/common.log"
collect_bad common "7 4 3" 2026-11-28T10:00:00Z 2026-11-28T10:00:03Z --format common "$WORK/common.log"

# An attestation valid past 9999: release 0.1.0 signed its end as the
# placeholder (and could not read the store again); now a usage error.
expect_exit 2 "attest --valid-for past the year 9999" -- \
	"$AP" attest --control gdpr:art-32 --file "$WORK/a.jsonl" --by ciso --valid-for 99999999w
expect_err "valid-for reaches past 9999-12-31T23:59:59Z" "says why"
[ "$("$AP" list | wc -l)" = 5 ] || die "the refused attestation left an entry"
ok "nothing is stored"

usable_store "after out-of-range times"
expect_exit 0 "verify" -- "$AP" verify
expect_out "^verified: 5 entries" "verify counts every entry"

# --- a store that holds a leaf of release 0.1.0 with an unknown time ---
# Release 0.1.0 wrote "0000-00-00T00:00:00Z" for such a time into the leaf,
# the columns and the attrs, and signed it.  Build that: take a fresh entry,
# rewrite it the way 0.1.0 wrote it (leaf, hash, attrs digest), drop the
# checkpoint over it (and the cached tree), and let the next collect sign
# over the rewritten leaf.
printf '{"ts":"2026-11-28T11:00:00Z","user":"dan"}\n' >"$WORK/b.jsonl"
"$AP" -q collect logs --name legacy --format jsonl --field time=ts --field user=user "$WORK/b.jsonl" ||
	die "collect legacy"
python3 - "$AUDITPACK_STORE/evidence.db" 5 <<'PY'
import hashlib, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
i = int(sys.argv[2])
leaf, attrs = db.execute("select leaf, attrs from entries where idx=?", (i,)).fetchone()
ph = "0000-00-00T00:00:00Z"
attrs = attrs.replace("2026-11-28T11:00:00Z", ph)
assert ph in attrs
lines = leaf.split("\n")
assert lines[5].startswith("effective ")
lines[5] = "effective %s %s" % (ph, ph)
lines[7] = "attrs sha256:" + hashlib.sha256(attrs.encode()).hexdigest()
leaf = "\n".join(lines)
db.execute("update entries set leaf=?, leaf_hash=?, attrs=?, eff_from=?, eff_to=? where idx=?",
           (leaf, hashlib.sha256(b"\0" + leaf.encode()).digest(), attrs, ph, ph, i))
db.execute("delete from checkpoints where size > ?", (i,))
db.execute("delete from meta where key = 'tree'")  # the cached tree: rebuilt from the leaves
db.commit()
PY
printf 'a later document\n' >"$WORK/later.txt"
"$AP" -q collect file "$WORK/later.txt" || die "collect after the legacy entry"
"$AP" show 5 | grep -q "^effective 0000-00-00T00:00:00Z 0000-00-00T00:00:00Z" ||
	die "the legacy leaf is not in place"
ok "a store with a release 0.1.0 leaf (effective 0000-00-00T00:00:00Z) is built"
usable_store "with a release 0.1.0 leaf"
expect_exit 0 "verify" -- "$AP" verify
expect_out "^verified: 7 entries" "verify checks all 7 entries"
expect_out "note: 1 entry has an unknown time" "verify says one entry's time is unknown"
"$AP" show 5 --json | python3 -c '
import json, sys
e = json.load(sys.stdin)
assert e["effective"] == {"from": "0000-00-00T00:00:00Z", "to": "0000-00-00T00:00:00Z"}, e["effective"]
assert e["collected"] == "2026-11-30T06:00:00Z", e["collected"]' || die "show --json of the legacy entry"
ok "show --json gives the legacy entry's times as stored"
"$AP" list --source legacy | grep -q "^5	access-log	legacy" || die "list --source legacy"
ok "list shows the legacy entry"
unzip -p "$WORK/p.zip" evidence/index.csv | grep -q '^5,access-log,"legacy","-",unknown,unknown,' ||
	die "pack index.csv: $(unzip -p "$WORK/p.zip" evidence/index.csv | grep '^5,')"
ok "the pack lists the legacy entry with unknown effective times"
expect_exit 1 "gate still runs over it (and fails on missing evidence)" -- "$AP" gate --framework gdpr
AUDITPACK_NOW=2040-01-01T00:00:00Z expect_exit 0 "prune in 2040 of all before 2039" -- "$AP" prune --before 2039-01-01T00:00:00Z
expect_out ": 3-4, 6-7$" "prune drops the old entries, not entry 5 whose age is unknown"
"$AP" show 5 --payload | grep -q '"ts"' || die "prune dropped the legacy entry's payload"
ok "the legacy entry's payload is kept"
expect_exit 0 "verify after all that" -- "$AP" verify
# --- the same, with a store the 0.1.0 binary itself wrote ---
# (tests/data/store-0.1.0/README says how it was made.)
export AUDITPACK_STORE="$WORK/store-0.1.0"
mkdir -m 0700 "$AUDITPACK_STORE" "$AUDITPACK_STORE/keys"
sqlite3 "$AUDITPACK_STORE/evidence.db" <"$TESTS/data/store-0.1.0/evidence.sql" || die "load the 0.1.0 store"
cp "$TESTS/data/store-0.1.0/keys/"* "$AUDITPACK_STORE/keys/"
cp "$TESTS/data/store-0.1.0/auditpack.yaml" "$AUDITPACK_STORE/"
chmod 0600 "$AUDITPACK_STORE/keys/"* "$AUDITPACK_STORE/auditpack.yaml"
"$AP" show 1 | grep -q "^effective 2026-11-29T10:00:00Z 0000-00-00T00:00:00Z$" ||
	die "the 0.1.0 fixture does not hold its placeholder leaf"
usable_store "a store written by release 0.1.0"
expect_exit 0 "verify the 0.1.0 store" -- "$AP" verify
expect_out "^verified: 3 entries" "all 3 entries verified"
expect_out "note: 1 entry has an unknown time" "entry 1's time is reported unknown"
"$AP" show 1 --json | python3 -c '
import json, sys
e = json.load(sys.stdin)
assert e["effective"] == {"from": "2026-11-29T10:00:00Z", "to": "0000-00-00T00:00:00Z"}, e["effective"]
assert e["attrs"]["last_event"] == "0000-00-00T00:00:00Z", e["attrs"]' || die "show --json 1"
ok "show --json gives entry 1's times and attrs as 0.1.0 wrote them"
printf '{"ts":"2026-11-30T01:00:00Z","user":"alice","status":200}\n' >"$WORK/gw2.jsonl"
expect_exit 0 "collect into the 0.1.0 store" -- "$AP" collect logs --name gateway --format jsonl \
	--field time=ts --field user=user --field status=status "$WORK/gw2.jsonl"
expect_exit 0 "verify after appending" -- "$AP" verify
expect_out "^verified: 4 entries" "4 entries verified"
# --- a document whose modification time is before 1970 ---
export AUDITPACK_STORE="$WORK/store-docs"
"$AP" -q init --origin test.example/docs || die "init docs"
printf 'an old policy\n' >"$WORK/old.txt"
touch -d 1960-01-01T00:00:00Z "$WORK/old.txt" || die "touch -d 1960"
expect_exit 0 "collect a document modified in 1960" -- "$AP" collect file "$WORK/old.txt"
"$AP" show 0 --json | python3 -c '
import json, sys
e = json.load(sys.stdin)
assert e["attrs"]["modified"] is None, e["attrs"]
assert e["effective"]["from"] == e["collected"] == "2026-11-30T06:00:00Z", e' || die "document 1960"
ok "its out-of-range mtime is left out: modified null, effective from when it was read"
echo "$checks checks"

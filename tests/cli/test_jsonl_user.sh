# jsonl user fields (issue 10, item 6): the user's value is replaced where
# the field map puts it, by JSON path, not wherever its name appears; every
# duplicate and a damaged line's value too; escaped values are tokenised as
# the text they stand for, so erasure finds every spelling.
. "$TESTS/cli/lib.sh"
export AUDITPACK_NOW=2026-11-28T12:00:00Z

store_has() { grep -r -a -q -F -- "$1" "$(store_plain)"; }
# payload_field INDEX LINE PATH: the value at a dotted path of one payload line.
payload_field() {
	"$AP" show "$1" --payload | sed -n "$2p" | python3 -c '
import json, sys
v = json.loads(sys.stdin.read())
for k in sys.argv[1].split("."):
    v = v[k]
print(v)' "$3"
}
tok_re='^<user:[0-9a-f]{16}>$'

# --- the nested user_id of the issue --------------------------------------
"$AP" -q init --origin test.example/jsonl || die "init"
printf '%s\n' \
	'{"ts":"2026-11-28T10:00:00Z","meta":{"user_id":"svc"},"user_id":"alice.smith","status":200}' \
	'{"ts":"2026-11-28T10:00:01Z","user_id":"alice.smith","status":200}' \
	'{"ts":"2026-11-28T10:00:02Z","user_id":"alice.smith","msg":"reset for alice.smith by helpdesk"}' \
	>"$WORK/nested.jsonl"
expect_exit 0 "collect the nested user_id line" -- "$AP" collect logs --format jsonl --name gw \
	--field time=ts --field user=user_id --field status=status "$WORK/nested.jsonl"
if store_has alice.smith; then
	grep -r -a -l -F alice.smith "$(store_plain)"
	die "alice.smith is stored in clear"
fi
ok "grep -r -a over the store directory finds no alice.smith"
t1=$(payload_field 0 1 user_id)
t2=$(payload_field 0 2 user_id)
[[ $t1 =~ $tok_re ]] || die "the top-level user_id is not a token: $t1"
[ "$t1" = "$t2" ] || die "alice.smith has two tokens: $t1 $t2"
ok "the top-level user_id holds alice.smith's token $t1, the same on both lines"
[ "$(payload_field 0 3 msg)" = "reset for $t1 by helpdesk" ] ||
	die "the user's mention in msg: $(payload_field 0 3 msg)"
ok "a mention of the user in another field gets the same token"
[ "$(payload_field 0 1 meta.user_id)" = svc ] || die "meta.user_id changed"
ok "meta.user_id (not the user field) is left as it was"
"$AP" show 0 --json | python3 -c '
import json, sys
a = json.load(sys.stdin)["attrs"]
assert a["users"] == 1 and a["unattributed"] == 0 and a["malformed"] == 0, a' ||
	die "attrs: users/unattributed/malformed wrong"
ok "one user, none unattributed, nothing malformed"

# The same line with the field map pointing at meta.user_id: then svc is the
# user, and alice.smith is an ordinary value.
expect_exit 0 "collect with user = meta.user_id" -- "$AP" collect logs --complete --format jsonl \
	--name meta --field time=ts --field user=meta.user_id "$WORK/nested.jsonl"
[[ $(payload_field 1 1 meta.user_id) =~ $tok_re ]] || die "meta.user_id is not tokenised"
[ "$(payload_field 1 2 user_id)" = alice.smith ] || die "a value off the path was changed"
ok "user = meta.user_id tokenises svc at that path and nothing else"

# --- a dotted path with a decoy, duplicates, escaped names ----------------
rm -rf "$AUDITPACK_STORE"
"$AP" -q init --origin test.example/jsonl || die "init"
cat >"$WORK/auth.jsonl" <<'EOF'
{"ts":"2026-11-28T10:00:00Z","sub":"decoy","auth":{"sub":"carol"}}
{"ts":"2026-11-28T10:00:01Z","auth":{"sub":"dave.dup1"},"auth":{"sub":"erin.dup2"}}
{"ts":"2026-11-28T10:00:02Z","auth":{"sub":"frank.first","sub":"gina.second"}}
{"ts":"2026-11-28T10:00:03Z","a\u0075th":{"s\u0075b":"hank.escaped"}}
{"ts":"2026-11-28T10:00:04Z","auth":{"sub":"ivan.cut
EOF
expect_exit 0 "collect with user = auth.sub" -- "$AP" collect logs --complete --format jsonl \
	--name auth --field time=ts --field user=auth.sub "$WORK/auth.jsonl"
[[ $(payload_field 0 1 auth.sub) =~ $tok_re ]] || die "auth.sub is not tokenised"
[ "$(payload_field 0 1 sub)" = decoy ] || die "the decoy sub was changed"
ok "auth.sub (carol) is tokenised, the top-level decoy sub is not"
for v in carol dave.dup1 erin.dup2 frank.first gina.second hank.escaped ivan.cut; do
	store_has "$v" && die "$v is stored in clear"
done
ok "no value at auth.sub leaks: duplicate parents, duplicate names, escaped names, a cut line"
"$AP" show 0 --payload | sed -n 2p | grep -E -q '^\{"ts":"[^"]*","auth":\{"sub":"<user:[0-9a-f]{16}>"\},"auth":\{"sub":"<user:[0-9a-f]{16}>"\}\}$' ||
	die "duplicates not each replaced: $("$AP" show 0 --payload | sed -n 2p)"
ok "each duplicate is replaced in place, the rest of the line byte for byte"
"$AP" show 0 --json | python3 -c '
import json, sys
a = json.load(sys.stdin)["attrs"]
assert a["users"] == 4 and a["malformed"] == 1, a' || die "attrs wrong"
ok "the last duplicate is the user (4 users); the cut line is malformed, and still tokenised"

# --- escapes, numbers, null, and erasure ----------------------------------
rm -rf "$AUDITPACK_STORE"
"$AP" -q init --origin test.example/jsonl || die "init"
cat >"$WORK/esc.jsonl" <<'EOF'
{"ts":"2026-11-28T10:00:00Z","user_id":"bob\u0020jones","note":"mail bob.jones@bank.example"}
{"ts":"2026-11-28T10:00:01Z","user_id":"bob jones","status":200}
{"ts":"2026-11-28T10:00:02Z","user_id":"carl","status":200}
{"ts":"2026-11-28T10:00:03Z","user_id":1409,"status":200}
{"ts":"2026-11-28T10:00:04Z","user_id":null,"status":200}
{"ts":"2026-11-28T10:00:05Z","user_id":"\ud83d\ude00zoe","status":200}
EOF
expect_exit 0 "collect escaped and numeric users" -- "$AP" collect logs --format jsonl --name esc \
	--field time=ts --field user=user_id --field status=status "$WORK/esc.jsonl"
[ "$(payload_field 0 1 user_id)" = "$(payload_field 0 2 user_id)" ] ||
	die "bob\\u0020jones and bob jones have different tokens"
ok "bob\\u0020jones and bob jones have the same token"
"$AP" show 0 --payload | sed -n 1p | grep -E -q '"note":"mail <email:[0-9a-f]{16}>"' ||
	die "the rest of the line is not scrubbed"
ok "the e-mail elsewhere on the line is still scrubbed"
[[ $(payload_field 0 4 user_id) =~ $tok_re ]] || die "a numeric user id is not tokenised"
store_has 1409 && die "the numeric user id 1409 is stored"
ok "a numeric user id is tokenised"
[ "$(payload_field 0 5 user_id)" = None ] || die "null user changed"
"$AP" show 0 --json | python3 -c '
import json, sys
a = json.load(sys.stdin)["attrs"]
assert a["users"] == 4 and a["unattributed"] == 1, a' || die "attrs wrong"
ok "null stays null and is unattributed; 4 users"

expect_exit 0 "erase --subject 'bob jones'" -- "$AP" erase --subject "bob jones" --reason "DSR-2026-7"
expect_out "erased	entry 0	2 lines removed, the rest restated as entry 1" "both of bob's lines are removed"
"$AP" show 1 --payload >"$WORK/rest"
[ "$(wc -l <"$WORK/rest")" = 4 ] || die "the restated segment should keep 4 lines"
grep -q '"status":200' "$WORK/rest" || die "the other lines are gone"
ok "the other 4 lines are kept"
expect_exit 0 "erase a numeric user id" -- "$AP" erase --subject 1409 --reason "DSR-2026-8"
expect_out "1 lines? removed" "the numeric user's line is removed"
expect_exit 0 "erase an escaped non-BMP user by its text" -- \
	"$AP" erase --subject "$(printf '\360\237\230\200zoe')" --reason "DSR-2026-9"
expect_out "1 lines? removed" "the surrogate-pair user's line is removed"
expect_exit 0 "verify after erasure" -- "$AP" verify

# --- redact: nothing of the value, placeholders in place ------------------
expect_exit 0 "collect with pii: redact" -- "$AP" collect logs --complete --pii redact \
	--format jsonl --name red --field time=ts --field user=user_id "$WORK/esc.jsonl"
last=$("$AP" list --json | python3 -c 'import json, sys; print(json.load(sys.stdin)[-1]["index"])')
[ "$(payload_field "$last" 1 user_id)" = "<user:redacted>" ] || die "redact: string user"
[ "$(payload_field "$last" 4 user_id)" = "<user:redacted>" ] || die "redact: numeric user"
for v in "bob" "1409" "carl" "zoe"; do
	store_has "\"user_id\":\"$v" && die "redact: $v stored"
done
ok "redact replaces every user value by \"<user:redacted>\""

# --- the other fields follow their paths too ------------------------------
printf '%s\n' '{"ts":"2026-11-28T10:00:00Z","name":"decoy","code":500,"llm":{"name":"credit-risk","v":"7"},"http":{"code":401}}' \
	>"$WORK/model.jsonl"
expect_exit 0 "collect with dotted model, version and status fields" -- "$AP" collect logs --complete \
	--format jsonl --name llm --field time=ts --field model=llm.name --field version=llm.v \
	--field status=http.code "$WORK/model.jsonl"
"$AP" list --json | python3 -c 'import json, sys; print(json.load(sys.stdin)[-1]["index"])' >"$WORK/last"
"$AP" show "$(cat "$WORK/last")" --json | python3 -c '
import json, sys
a = json.load(sys.stdin)["attrs"]
assert a["models"] == {"credit-risk:7": 1}, a["models"]
assert a["status"] == {"401": 1}, a["status"]
assert a["auth_failures"] == 1, a' || die "model/status read from the wrong member"
ok "model, version and status come from llm.name, llm.v and http.code, not the decoys"

# --- a line too long to parse (over 1 MiB) is streamed in pieces ----------
# A short line follows each long one: a first run in which no line parses
# is refused (test_firstrun.sh), and these tests are about the long line.
python3 -c '
pad = "x" * (3 << 20)
open("'"$WORK"'/long.jsonl", "w").write(
    "{\"ts\":\"2026-11-28T10:00:00Z\",\"user_id\":\"alice.long\",\"pad\":\"%s\",\"user_id\":\"bob.long\"}\n" % pad
    + "{\"ts\":\"2026-11-28T10:00:01Z\",\"user_id\":\"carol.short\"}\n")'
expect_exit 0 "collect an overlong jsonl line" -- "$AP" collect logs --complete --format jsonl \
	--name long --field time=ts --field user=user_id "$WORK/long.jsonl"
for v in alice.long bob.long; do
	store_has "$v" && die "$v of an overlong line is stored in clear"
done
ok "the user values of an overlong line are replaced in every piece"

# A value the cut between two pieces splits: the piece before ends with its
# opening quote (the reader cuts after a quote near each MiB), the next
# piece starts inside it.
python3 -c '
M = 1 << 20
head, mid = "{\"ts\":\"2026-11-28T10:00:00Z\",\"pad\":\"", "\",\"user_id\":\""
line = head + "x" * (M - 4 - len(head) - len(mid)) + mid + "alice.split\",\"more\":\"" + "y" * (M + 100) + "\"}\n"
open("'"$WORK"'/split.jsonl", "w").write(line + "{\"ts\":\"2026-11-28T10:00:01Z\",\"user_id\":\"carol.short\"}\n")'
expect_exit 0 "collect an overlong line cut inside the user value" -- "$AP" collect logs --complete \
	--format jsonl --name split --field time=ts --field user=user_id "$WORK/split.jsonl"
store_has alice.split && die "the part of a user value after a cut is stored in clear"
last=$("$AP" list --json | python3 -c 'import json, sys; print(json.load(sys.stdin)[-1]["index"])')
"$AP" show "$last" --payload | grep -a -q -E '"user_id":"<user:[0-9a-f]{16}>","more"' ||
	die "the split value is not one token in place"
ok "a user value split between two pieces is one token in place"

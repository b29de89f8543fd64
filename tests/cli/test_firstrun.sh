# A source whose configuration does not fit its files (issue 10, item 9):
# a wrong `fields.time` or `format` on a first run stores nothing, keeps the
# cursor where it was and says why (exit 3, file:line, a masked sample, the
# format expected); a source that already worked keeps counting bad lines
# as malformed (exit 0); `collect --rescan SOURCE` reads the files again
# after a fix, records that it did, and no line is counted twice.
. "$TESTS/cli/lib.sh"
export AUDITPACK_NOW=2026-11-27T06:00:00Z
mkdir -p "$WORK/in"

# 60 requests in the hour before NOW, keyed "timestamp" (not "ts"), from
# three users who also appear by e-mail.
python3 - "$WORK/in/gw.jsonl" <<'PY'
import json, sys
with open(sys.argv[1], "w") as f:
    for i in range(60):
        u = ["alice.smith", "bob.jones", "carol.white"][i % 3]
        f.write(json.dumps({"timestamp": "2026-11-27T05:%02d:00Z" % i, "user_id": u,
                            "mail": u + "@bank.example", "model": "credit-risk-llm",
                            "status": 200}) + "\n")
PY
printf 'Access policy v3\n' >"$WORK/in/policy.txt"
config() { # TIME_KEY FORMAT
	cat >"$AUDITPACK_STORE/auditpack.yaml" <<YAML
origin: test.example/firstrun
sources:
  - name: gateway
    type: access-log
    format: $2
    paths: [$WORK/in/gw.jsonl]
    fields: {time: $1, user: user_id, model: model, status: status}
  - name: policies
    type: document
    paths: [$WORK/in/policy.txt]
YAML
}
raw_in_store() { grep -rqaE "alice\.smith|bob\.jones|@bank\.example" "$(store_plain)"; }
attr() { # INDEX KEY: one attr of an entry, as JSON
	"$AP" show "$1" --json | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["attrs"].get(sys.argv[1])))' "$2"
}

"$AP" -q init --origin test.example/firstrun || die "init"
# A log still empty at the first collect: that run reads nothing, so the
# next one is still the first that reads lines.
mv "$WORK/in/gw.jsonl" "$WORK/in/gw.full"
: >"$WORK/in/gw.jsonl"
config ts jsonl
expect_exit 0 "a first collect of an empty log" -- "$AP" collect gateway
cat "$WORK/in/gw.full" >>"$WORK/in/gw.jsonl"
rm "$WORK/in/gw.full"
cp0=$("$AP" checkpoint)

# 1. A wrong fields.time on the first run.
config ts jsonl
expect_exit 3 "first run with a wrong fields.time" -- "$AP" collect
expect_err "^auditpack: source 'gateway' \(.*auditpack.yaml line [0-9]+\): .*gw.jsonl:1: not one of the 60 lines read parses as jsonl" \
	"the message names the source, the file and the line"
expect_err "nothing was stored" "the message says nothing was stored"
expect_err "first line reads \(personal data masked\) '\{\"timestamp\":\"2026-11-27T05:00:00Z\",\"user_id\":\"<user:redacted>\"" \
	"the sample line is shown with the user id masked"
expect_err "expected one JSON object per line .* at key \"ts\"; the field map is time=ts user=user_id" \
	"the expected format is the configured field map"
! grep -qE "alice|bob|carol|bank\.example" "$WORK/err" || die "the sample shows personal data: $(cat "$WORK/err")"
ok "the sample holds no user id and no e-mail"
[ -z "$("$AP" list)" ] || die "a refused first run stored entries"
[ "$("$AP" checkpoint)" = "$cp0" ] || die "a refused first run changed the checkpoint"
! raw_in_store || die "personal data reached the store"
ok "nothing stored, not even the other source of the run (one transaction), checkpoint unchanged"

# 2. A wrong format on the first run (configured, and one-off).
config timestamp combined
expect_exit 3 "first run with a wrong format" -- "$AP" collect gateway
expect_err "gw.jsonl:1: not one of the 60 lines read parses as combined" "names file:line and the format"
expect_err "expected a combined \(nginx/Apache\) line such as: " "shows an example line of the format"
! grep -qE "alice|bob|carol|bank\.example" "$WORK/err" || die "the sample shows personal data"
expect_exit 3 "one-off collect logs with a wrong --format" -- \
	"$AP" collect logs --format common --name oneoff "$WORK/in/gw.jsonl"
expect_err "source 'oneoff'" "the one-off message names its source"
[ -z "$("$AP" list)" ] && [ "$("$AP" checkpoint)" = "$cp0" ] || die "a wrong format stored something"
ok "nothing stored after a wrong format"

# 3. Fixed: the file is read from its start, every line parsed.
config timestamp jsonl
expect_exit 0 "collect after the fix" -- "$AP" collect
expect_out "gateway: 1 entry, 60 lines \(0 malformed\)" "all 60 lines parsed"
[ "$(attr 0 offset_start)" = 0 ] && [ "$(attr 0 parsed)" = 60 ] || die "the cursor had moved"
ok "the cursor had not moved: entry 0 covers the file from byte 0"
! raw_in_store || die "raw personal data stored after the fix"

# 4. A source that already worked: a bad line is malformed, exit 0.
printf 'not json at all, from dave@bank.example\n' >>"$WORK/in/gw.jsonl"
expect_exit 0 "a later bad line is not fatal" -- "$AP" collect gateway
expect_out "gateway: 1 entry, 1 lines \(1 malformed\)" "counted as malformed"
[ "$(attr 2 malformed_lines)" = "[61]" ] || die "malformed_lines: $(attr 2 malformed_lines)"
ok "malformed_lines names line 61"

# 5. Someone breaks the map of a working source (time: ts, a typo): the new
#    lines are malformed, exit 0, but their user ids are still tokenised,
#    never stored in clear.
python3 - "$WORK/in/gw.jsonl" <<'PY'
import json, sys
with open(sys.argv[1], "a") as f:
    for i in range(20):
        f.write(json.dumps({"timestamp": "2026-11-27T05:%02d:30Z" % (40 + i),
                            "user_id": "erin.black", "model": "credit-risk-llm",
                            "status": 200}) + "\n")
PY
sed -i 's/time: timestamp/time: ts/' "$AUDITPACK_STORE/auditpack.yaml"
expect_exit 0 "lines under a broken map" -- "$AP" collect gateway
expect_out "20 lines \(20 malformed\)" "counted as malformed"
! grep -rqa "erin.black" "$(store_plain)" || die "a malformed line stored a user id in clear"
"$AP" show 3 --payload | grep -q '"user_id": *"<user:[0-9a-f]\{16\}>"' || die "no user token in malformed lines"
ok "the user ids of malformed jsonl lines are tokenised"

# 6. The map is fixed: --rescan reads the file again and supersedes
#    entries 0, 2 and 3.
sed -i 's/time: ts/time: timestamp/' "$AUDITPACK_STORE/auditpack.yaml"
n_before=$("$AP" list | wc -l)
expect_exit 0 "collect --rescan" -- "$AP" collect --rescan gateway
expect_out "gateway: 1 entry, 81 lines \(1 malformed\), 1 file rescanned from the start, superseding 3 earlier entries" \
	"the summary says what was rescanned and superseded"
new=$(( n_before ))
[ "$(attr $new rescan)" = true ] || die "no rescan attr"
[ "$(attr $new supersedes)" = "[0, 2, 3]" ] || die "supersedes: $(attr $new supersedes)"
[ "$(attr $new offset_start)" = 0 ] && [ "$(attr $new parsed)" = 80 ] || die "the rescan did not read from 0"
ok "the rescan entry records rescan: true and supersedes [0, 2, 3]"
[ "$("$AP" list | wc -l)" = $((n_before + 1)) ] || die "the earlier entries must stay in the log"
ok "the earlier entries stay in the log"
attributed() { # what the attribution check counted
	"$AP" assess --json | python3 -c '
import json, sys
a = json.load(sys.stdin)
seen = {}
for fw in a["frameworks"]:
    for c in fw["controls"]:
        for k in c["checks"]:
            seen[k["id"]] = k["detail"]
print(seen.get("requests-attributed", "?"), "|", seen.get("access-logs-collected", "?"))'
}
got=$(attributed)
case $got in "every one of 80 logged requests"*"| 1 access-log entry; the newest (entry $new,"*) ;;
*) die "assessment counts: $got";; esac
ok "assessment counts each parsed line once (80, not 140) from the rescan entry only"
expect_exit 0 "verify after the rescan" -- "$AP" verify

# 7. A second rescan is idempotent in what is counted.
expect_exit 0 "a second --rescan" -- "$AP" collect --rescan gateway
expect_out "superseding 1 earlier entry" "it supersedes the first rescan's entry"
[ "$(attr $((new + 1)) supersedes)" = "[$new]" ] || die "second supersedes: $(attr $((new + 1)) supersedes)"
got2=$(attributed)
[ "${got2/entry $((new + 1)),/entry $new,}" = "$got" ] || die "a second rescan changed the counts: $got2"
ok "the counts are the same after a second rescan"
expect_exit 0 "verify after the second rescan" -- "$AP" verify

# 8. A rescan never brings back what was erased.
tok=$("$AP" show $((new + 1)) --payload | grep -o '<user:[0-9a-f]*>' | head -n 1)
expect_exit 0 "erase one user (20 lines)" -- "$AP" erase --subject "$tok" --reason DSR-7
# The erasure restates every entry with that user's lines, superseded or
# not; only the restated copy of the newest rescan is counted.
case $(attributed) in *"| 1 access-log entry;"*) ;;
*) die "counts after the erasure: $(attributed)";; esac
ok "after an erasure only one entry (the restated rescan) is counted"
cp1=$("$AP" checkpoint)
expect_exit 3 "a rescan over erased lines is refused" -- "$AP" collect --rescan gateway
expect_err "was erased or pruned" "says why"
[ "$("$AP" checkpoint)" = "$cp1" ] || die "the refused rescan changed the store"
ok "the refused rescan changed nothing"
expect_exit 2 "--rescan of a document source" -- "$AP" collect --rescan policies
expect_exit 2 "--rescan with no source" -- "$AP" collect --rescan

# 9. A rescan across a rename rotation: each inode's chain of entries, under
#    its old and new names, is superseded exactly once.
export AUDITPACK_STORE=$WORK/rot/store
mkdir -p "$WORK/rot"
"$AP" -q init --origin test.example/rotation || die "init"
cat >"$AUDITPACK_STORE/auditpack.yaml" <<YAML
origin: test.example/rotation
sources:
  - name: web
    type: access-log
    format: combined
    paths: [$WORK/rot/access.log*]
YAML
line() { printf '10.0.0.%d - user%d [27/Nov/2026:05:%02d:00 +0000] "GET /v1/chat HTTP/1.1" 200 512 "-" "cli/1"\n' "$1" "$1" "$1"; }
{ line 1; line 2; line 3; } >"$WORK/rot/access.log"
"$AP" -q collect || die "collect 1"
{ line 4; line 5; } >>"$WORK/rot/access.log"
"$AP" -q collect || die "collect 2"
mv "$WORK/rot/access.log" "$WORK/rot/access.log.1"
line 6 >>"$WORK/rot/access.log.1"
{ line 7; line 8; } >"$WORK/rot/access.log"
touch -d '1 min ago' "$WORK/rot/access.log.1"
"$AP" -q collect || die "collect 3"
# entries: 0 access.log 0-270, 1 access.log 270-450, 2 access.log.1 450-540,
# 3 the new access.log 0-180
expect_exit 0 "rescan after a rotation" -- "$AP" collect --rescan web
expect_out "web: 2 entries, 8 lines \(0 malformed\), 2 files rescanned from the start, superseding 4 earlier entries" \
	"both files rescanned, the four entries superseded"
[ "$(attr 4 path)" = "\"$WORK/rot/access.log.1\"" ] && [ "$(attr 4 supersedes)" = "[0, 1, 2]" ] ||
	die "old inode: $(attr 4 path) $(attr 4 supersedes)"
[ "$(attr 5 supersedes)" = "[3]" ] || die "new inode: $(attr 5 supersedes)"
ok "the rotated file supersedes its entries under both names, the new file its own"
expect_exit 0 "verify" -- "$AP" verify

# 10. A source that has stored lines is not new, even when every file it
#     read has rotated away and the new one was empty at the last run (no
#     cursor has read a byte): a bad line is malformed, exit 0.
rm "$WORK/rot/access.log" "$WORK/rot/access.log.1"
: >"$WORK/rot/access.log"
expect_exit 0 "a run over the new, empty log" -- "$AP" collect web
printf 'garbage\n' >>"$WORK/rot/access.log"
expect_exit 0 "a bad line after the rotation is not a first run" -- "$AP" collect web
expect_out "web: 1 entry, 1 lines \(1 malformed\)" "counted as malformed"

# 11. A rescan over a compressed generation (delaycompress, then gzip):
#     it is read decompressed from 0 and supersedes the entries that held
#     its text under its earlier names; every line once.
export AUDITPACK_STORE=$WORK/gz/store
mkdir -p "$WORK/gz"
"$AP" -q init --origin test.example/gz || die "init"
sed "s|$WORK/rot/|$WORK/gz/|; s|test.example/rotation|test.example/gz|" \
	"$WORK/rot/store/auditpack.yaml" >"$AUDITPACK_STORE/auditpack.yaml"
cd "$WORK/gz" || die "cd"
{ line 1; line 2; } >access.log
"$AP" -q collect || die "gz collect 1"
line 3 >>access.log
mv access.log access.log.1
line 4 >access.log
touch -d '1 min ago' access.log.1
"$AP" -q collect || die "gz collect 2"
line 5 >>access.log
gzip access.log.1
mv access.log.1.gz access.log.2.gz
mv access.log access.log.1
line 6 >access.log
touch -d '2 min ago' access.log.2.gz
touch -d '1 min ago' access.log.1
"$AP" -q collect || die "gz collect 3"
n=$("$AP" list | wc -l)
expect_exit 0 "rescan with a gzip generation" -- "$AP" collect --rescan web
expect_out "web: 3 entries, 6 lines \(0 malformed\), 3 files rescanned from the start, superseding $n earlier entries" \
	"six lines once, every earlier entry superseded"
[ "$(attr "$n" compression)" = '"gzip"' ] && [ "$(attr "$n" supersedes)" = "[0, 1]" ] ||
	die "gzip generation: $(attr "$n" compression) $(attr "$n" supersedes)"
ok "the gzip generation is read decompressed and supersedes its text's earlier entries"
expect_exit 0 "verify" -- "$AP" verify
cd / || true
echo "1..$checks"

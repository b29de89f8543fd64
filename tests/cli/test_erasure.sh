# GDPR erasure and retention pruning (issue 6, "It must show" 3 and 4):
# the subject's data leaves every file of the store, everything else stays
# provable, and legal retention minimums stop a prune.
. "$TESTS/cli/lib.sh"
export AUDITPACK_NOW=2026-11-27T06:00:00Z

# Three people in a JSON-lines gateway log and an nginx log; one of them is
# also named in a configuration file and in a document.
mkdir -p "$WORK/in"
python3 - "$WORK/in" <<'PY'
import sys
d = sys.argv[1]
users = ["alice.w", "bob.k", "carol.m"]
with open(d + "/gw.jsonl", "w") as f, open(d + "/nginx.log", "w") as g:
    for i in range(300):
        u = users[i % 3]
        f.write('{"ts":"2026-11-26T%02d:%02d:00Z","user":"%s","ip":"10.0.%d.%d","mail":"%s@bank.example","status":200}\n'
                % (i // 60, i % 60, u, i % 3, i % 7 + 1, u))
        g.write('10.1.%d.%d - %s [26/Nov/2026:%02d:%02d:00 +0000] "POST /v1/chat HTTP/1.1" 200 512 "-" "cli/1"\n'
                % (i % 3, i % 5 + 1, u, i // 60, i % 60))
with open(d + "/app.yaml", "w") as f:
    f.write("owner: bob.k@bank.example\nregion: eu-west-1\n")
with open(d + "/dpia.txt", "w") as f:
    f.write("DPIA reviewed with bob.k on 2026-11-01\n")
with open(d + "/policy.txt", "w") as f:
    f.write("Access policy v3\n")
PY
"$AP" -q init --origin test.example/erasure || die "init"
"$AP" -q collect logs --format jsonl --name gw --field time=ts --field user=user \
	"$WORK/in/gw.jsonl" || die "collect gw"
"$AP" -q collect logs --format combined --name nginx "$WORK/in/nginx.log" || die "collect nginx"
"$AP" -q collect config --name app "$WORK/in/app.yaml" || die "collect config"
"$AP" -q collect file --type dpia "$WORK/in/dpia.txt" "$WORK/in/policy.txt" || die "collect file"
# entries: 0 gw, 1 nginx, 2 config, 3 dpia, 4 policy

bob_user=$("$AP" show 0 --payload | grep -o '"user":"<user:[0-9a-f]*>"' | sed -n 2p | cut -d'"' -f4)
bob_mail=$("$AP" show 0 --payload | grep -o '<email:[0-9a-f]*>' | sed -n 2p)
[ -n "$bob_user" ] && [ -n "$bob_mail" ] || die "no tokens in the gateway payload"
store_has() { grep -rqaF -- "$1" "$(store_plain)"; }
# Logs are stored compressed (store-format.md): store_has greps the store's
# files and every payload decompressed.  The erased payloads' bytes as stored
# must go too: take 24 bytes from the middle of each payload that names bob,
# as stored, and look for those bytes in the store's files.
stored_has() {
	python3 - "$AUDITPACK_STORE" "$1" <<'PY'
import os, sys
needle = bytes.fromhex(sys.argv[2])
for root, _, files in os.walk(sys.argv[1]):
    for f in files:
        with open(os.path.join(root, f), "rb") as fh:
            if needle in fh.read():
                sys.exit(0)
sys.exit(1)
PY
}
[ "$(db "SELECT encoding FROM payloads p JOIN entries e ON p.id = e.payload_id WHERE e.idx = 0")" = 1 ] ||
	die "the gateway log's payload should be stored compressed"
bob_stored=$(db "SELECT hex(substr(p.data, length(p.data) / 2, 24)) FROM entries e JOIN payloads p
	ON p.id = e.payload_id WHERE e.idx IN (0, 1, 2, 3)")
[ "$(echo "$bob_stored" | wc -l)" = 4 ] || die "four payloads name bob"
for w in $bob_stored; do
	stored_has "$w" || die "bytes of a payload that names bob should be in the store files"
done
store_has "$bob_user" || die "bob's token should be in the store before erasure"
store_has "bob.k" || die "bob's raw e-mail is in the config snapshot before erasure"
ok "before: bob's token and raw value are in the store (the logs compressed)"

# Refusals change nothing.
cp_before=$("$AP" checkpoint)
expect_exit 2 "a reason that names the subject is refused" -- \
	"$AP" erase --subject bob.k --reason "request from bob.k"
expect_err "reason names the subject" "says why"
expect_exit 2 "a subject too short to erase safely" -- "$AP" erase --subject bo --reason DSR-1
expect_exit 0 "a dry run" -- "$AP" erase --subject bob.k --subject bob.k@bank.example --reason DSR-1 --dry-run
expect_out "would erase	entry 0	100 lines removed" "dry run lists the gateway segment"
[ "$("$AP" checkpoint)" = "$cp_before" ] || die "refusals and the dry run changed the store"
ok "refusals and the dry run leave the checkpoint unchanged"

expect_exit 0 "erase one person by raw values (user id and e-mail)" -- \
	"$AP" erase --subject bob.k --subject bob.k@bank.example --reason "DSR-2026-114"
expect_out "erased	entry 0	100 lines removed, the rest restated as entry 5" "gateway restated"
expect_out "erased	entry 1	100 lines removed, the rest restated as entry 6" "nginx restated"
expect_out "erased	entry 2	payload and attrs" "config snapshot erased with its attrs"
expect_out "erased	entry 3	payload$" "the DPIA that names him erased"
expect_out "tombstone	entry 7	4 entries erased, 200 log lines removed" "tombstone appended"

for needle in bob.k "$bob_user" "$bob_mail"; do
	store_has "$needle" && die "'$needle' is still somewhere under the store directory"
done
for w in $bob_stored; do
	stored_has "$w" && die "bytes of an erased payload, as stored, are still under the store directory"
done
ok "grep -a of the store directory finds neither the raw value nor the tokens, nor the erased payloads' stored bytes"
[ "$("$AP" show 5 --payload | grep -c '"user":"<user:')" = 200 ] || die "other users' gateway lines lost"
[ "$("$AP" show 6 --payload | wc -l)" = 200 ] || die "other users' nginx lines lost"
"$AP" show 4 --payload | grep -q "Access policy v3" || die "an unrelated document was touched"
ok "other users' lines and unrelated evidence are still there"
"$AP" show 5 --json | python3 -c '
import json, sys
a = json.load(sys.stdin)["attrs"]
assert a["lines"] == 200 and a["restates"] == 0 and a["erased_lines"] == 100, a
' || die "restated attrs"
"$AP" show 7 --json | python3 -c '
import json, sys
e = json.load(sys.stdin)
assert e["kind"] == "tombstone", e
a = e["attrs"]
assert a["erased"] == [0, 1, 2, 3] and a["attrs_erased"] == [2] and a["reason"] == "DSR-2026-114", a
assert [(r["from"], r["to"]) for r in a["restated"]] == [(0, 5), (1, 6)], a
' || die "tombstone attrs"
ok "restated entry and tombstone say what happened"

expect_exit 0 "verify passes after erasure" -- "$AP" verify
expect_out "8 entries \(4 erased" "verify counts the erased entries"
expect_out "erased \(payload removed, recorded by a tombstone\): 0-3" "verify lists them"
expect_exit 0 "assess still works" -- "$AP" assess --framework gdpr,eu-ai-act
expect_exit 0 "a new pack" -- "$AP" pack --framework gdpr -o "$WORK/after.zip"
expect_exit 0 "verify-pack passes" -- "$AP" verify-pack --vkey "$("$AP" key show | awk '$2 == "active" {print $3}')" "$WORK/after.zip"
expect_out "erased \(payload removed, recorded by a tombstone\): 0-3" "verify-pack lists the erased entries"
unzip -p "$WORK/after.zip" | grep -qaF -e bob.k -e "$bob_user" && die "the pack holds bob's data"
ok "the pack holds neither the raw value nor the token"

# The configuration's cursor remembered bob's address; it was forgotten, so
# the next snapshot works and reports the keys as new.
expect_exit 0 "config collects again after erasure" -- "$AP" collect config --name app "$WORK/in/app.yaml"

# Erasure given the token, for a person whose raw value is not at hand.
carol_user=$("$AP" show 5 --payload | grep -o '"user":"<user:[0-9a-f]*>"' | sed -n 2p | cut -d'"' -f4)
expect_exit 0 "erase by token" -- "$AP" erase --subject "$carol_user" --reason DSR-2026-115
store_has "$carol_user" && die "carol's token survived"
[ "$("$AP" list --kind access-log --json | python3 -c '
import json, sys; print(sum(e["attrs"]["lines"] for e in json.load(sys.stdin) if not e["erased"]))')" = 200 ] ||
	die "the lines left are not alice's 100 in each log"
ok "by token: only alice's lines remain (100 per log)"
expect_exit 0 "verify after two erasures" -- "$AP" verify
expect_exit 0 "nothing to erase is not an error" -- "$AP" erase --subject nobody.here --reason DSR-9
expect_out "nothing erased" "says so"

# Tampering that imitates an erasure is still caught.
cp -r "$AUDITPACK_STORE" "$WORK/saved"
sqlite3 "$AUDITPACK_STORE/evidence.db" "UPDATE entries SET attrs='' WHERE idx=4"
expect_exit 1 "attrs removed without a tombstone" -- "$AP" verify
expect_err "entry 4: attrs do not match the digest in its leaf \(removed, and no tombstone" "named"
rm -rf "$AUDITPACK_STORE"; cp -r "$WORK/saved" "$AUDITPACK_STORE"
sqlite3 "$AUDITPACK_STORE/evidence.db" "UPDATE entries SET payload_id=NULL, salt=NULL, erased=1 WHERE idx=4"
expect_exit 1 "a payload dropped and marked erased, but no tombstone names it" -- "$AP" verify
expect_err "entry 4: payload is missing and no tombstone" "named"
rm -rf "$AUDITPACK_STORE"; cp -r "$WORK/saved" "$AUDITPACK_STORE"

# --- retention ---
# In scope: the AI Act (risk class not given: its six months bind now) and
# HIPAA; SEBI CSCRF's two years are tested in test_retention.sh.
printf 'origin: test.example/erasure\nprofile:\n  frameworks: [eu-ai-act, hipaa]\nsources: []\n' \
	>"$AUDITPACK_STORE/auditpack.yaml"
cp_before=$("$AP" checkpoint)
expect_exit 3 "prune inside the AI Act's six months of logs" -- "$AP" prune --before 2026-11-27T00:00:00Z
expect_err "refusing to prune: entry [0-9]+ \(access-log.*eu-ai-act Art\. 19 \(Regulation \(EU\) 2024/1689.*\): access-log evidence must be kept 6 months; and under eu-ai-act Art\. 26 " \
	"names the AI Act rules"
expect_err "latest --before this allows is 2026-05-27T06:00:00Z" "and the latest allowed time"
[ "$("$AP" checkpoint)" = "$cp_before" ] || die "a refused prune changed the store"
ok "a refused prune leaves the checkpoint unchanged"

export AUDITPACK_NOW=2027-06-30T00:00:00Z
expect_exit 3 "prune of documents inside HIPAA's six years" -- "$AP" prune --before 1d
expect_err "entry [0-9]+ \(document.*hipaa 164\.316\(b\)\(2\)\(i\) \(45 CFR Part 164.*\): document evidence must be kept 6 years" "names the HIPAA rule"
expect_exit 0 "dry run of an allowed prune" -- "$AP" prune --before 2026-11-27T00:00:00Z --dry-run
expect_out "would prune 2 entries .*: 9-10" "lists the old log segments"
[ "$("$AP" checkpoint)" = "$cp_before" ] || die "--dry-run changed the store"
ok "--dry-run changes nothing"
expect_exit 0 "a prune with nothing before its time" -- "$AP" prune --before 2025-01-01T00:00:00Z
expect_out "nothing to prune: 0 entries" "says so"
[ "$("$AP" checkpoint)" = "$cp_before" ] || die "an empty prune changed the store"
expect_exit 2 "a --before that is neither a time nor an age" -- "$AP" prune --before yesterday
expect_exit 0 "prune logs older than six months" -- "$AP" prune --before 2026-11-27T00:00:00Z
expect_out "pruned 2 entries" "pruned"
expect_exit 0 "verify after pruning" -- "$AP" verify
"$AP" list --kind access-log --json | python3 -c '
import json, sys
assert all(e["erased"] for e in json.load(sys.stdin))' || die "a log segment kept its payload"
ok "every old log segment lost its payload; attrs summaries stay"
"$AP" show 4 --payload | grep -q "Access policy v3" || die "the policy document was pruned"
ok "documents under HIPAA's minimum were left alone"

echo "test_erasure: $checks checks passed"

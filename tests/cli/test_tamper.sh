# verify names the first bad entry or checkpoint for each kind of tampering,
# and an untouched store verifies (issue 2, "It must show" 3).
. "$TESTS/cli/lib.sh"

fresh() { make_store; cp -r "$AUDITPACK_STORE" "$WORK/pristine"; }
restore() { rm -rf "$AUDITPACK_STORE"; cp -r "$WORK/pristine" "$AUDITPACK_STORE"; }

fresh
expect_exit 0 "untouched store verifies" -- "$AP" verify
expect_out "verified: 6 entries" "verify reports the entry count"

db "UPDATE payloads SET data = CAST(replace(CAST(data AS TEXT), 'document 4', 'document X') AS BLOB) WHERE CAST(data AS TEXT) LIKE 'document 4%'"
expect_exit 1 "one changed payload byte" -- "$AP" verify
expect_err "entry 3: payload does not match its commitment" "names entry 3's payload"
restore

db "UPDATE entries SET attrs = replace(attrs, '\"type\":\"policy\"', '\"type\":\"dpia\"') WHERE idx = 1"
expect_exit 1 "a changed attrs value" -- "$AP" verify
expect_err "entry 1: attrs do not match" "names entry 1's attrs"
restore

db "UPDATE entries SET source = 'elsewhere' WHERE idx = 4"
expect_exit 1 "a changed leaf field (column)" -- "$AP" verify
expect_err "entry 4: a field .* differs from its signed leaf" "names entry 4's field"
restore

db "UPDATE entries SET leaf = replace(leaf, 'source documents', 'source forged') WHERE idx = 2"
expect_exit 1 "a changed leaf field (leaf text)" -- "$AP" verify
expect_err "entry 2: leaf text does not match" "names entry 2's leaf"
expect_err "checkpoint [0-9]+ \(size [0-9]+\): its root does not match" "and the checkpoint it breaks"
restore

# Leaf text and its hash rewritten together: only the signed roots catch it.
db "UPDATE entries SET leaf = replace(leaf, 'source documents', 'source forged'), source = 'forged' WHERE idx = 0"
python3 - "$AUDITPACK_STORE/evidence.db" <<'PY'
import hashlib, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
leaf = db.execute("select leaf from entries where idx=0").fetchone()[0]
db.execute("update entries set leaf_hash=? where idx=0", (hashlib.sha256(b"\0" + leaf.encode()).digest(),))
db.commit()
PY
expect_exit 1 "a leaf rewritten with its hash" -- "$AP" verify
expect_err "checkpoint 2 \(size 3\): its root does not match" "names the first checkpoint over it"
restore

db "DELETE FROM entries WHERE idx = 2"
expect_exit 1 "a deleted entry" -- "$AP" verify
expect_err "entry 2 is missing" "names the missing entry"
restore

db "UPDATE entries SET idx = -1 WHERE idx = 3; UPDATE entries SET idx = 3 WHERE idx = 4; UPDATE entries SET idx = 4 WHERE idx = -1"
expect_exit 1 "two entries swapped" -- "$AP" verify
expect_err "entry 3: its leaf says index 4" "names the first swapped entry"
restore

# A checkpoint whose root is altered: its signature no longer verifies.
python3 - "$AUDITPACK_STORE/evidence.db" <<'PY'
import base64, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
seq, note = db.execute("select seq, note from checkpoints order by seq desc limit 1").fetchone()
lines = note.split("\n")
root = bytearray(base64.b64decode(lines[2])); root[0] ^= 1
lines[2] = base64.b64encode(bytes(root)).decode()
db.execute("update checkpoints set note=? where seq=?", ("\n".join(lines), seq))
db.commit()
PY
expect_exit 1 "a checkpoint with an altered root" -- "$AP" verify
expect_err "checkpoint 4 has a bad signature" "names checkpoint 4"
restore

# A checkpoint re-signed by another key (a second store's key, same origin).
AUDITPACK_STORE="$WORK/other" "$AP" -q init --origin test.example/evidence
mkdir -p "$WORK/otherdocs"
for i in 1 2 3 4 5 6; do printf 'other %s\n' "$i" >"$WORK/otherdocs/o$i"; done
AUDITPACK_STORE="$WORK/other" "$AP" -q collect file "$WORK"/otherdocs/o*
other_cp=$(AUDITPACK_STORE="$WORK/other" "$AP" checkpoint)
db "UPDATE checkpoints SET note = '$other_cp
' WHERE seq = (SELECT max(seq) FROM checkpoints)"
expect_exit 1 "a checkpoint signed by another key" -- "$AP" verify
expect_err "checkpoint 4 is not signed by any known key" "names the foreign-key checkpoint"
restore

# The newest entries deleted together with their checkpoints: only a
# checkpoint kept elsewhere shows it.
"$AP" checkpoint >"$WORK/witness.cp"
db "DELETE FROM entries WHERE idx >= 3; DELETE FROM checkpoints WHERE size > 3"
expect_exit 0 "truncation alone is self-consistent" -- "$AP" verify
expect_exit 1 "truncation caught --against a saved checkpoint" -- "$AP" verify --against "$WORK/witness.cp"
expect_err "witness checkpoint covers 6 entries but the store has only 3" "says what was deleted"
restore
expect_exit 0 "the intact store verifies --against the saved checkpoint" -- "$AP" verify --against "$WORK/witness.cp"

# A rewritten history that keeps its size is caught against the witness too.
"$AP" checkpoint >"$WORK/witness.cp"
printf 'a forged document\n' >"$WORK/forged.txt"
db "DELETE FROM entries WHERE idx >= 5; DELETE FROM checkpoints WHERE size > 5"
"$AP" -q collect file "$WORK/forged.txt"
expect_exit 0 "a rewritten tail re-signed with the store key verifies alone" -- "$AP" verify
expect_exit 1 "but not against the witness checkpoint" -- "$AP" verify --against "$WORK/witness.cp"
expect_err "do not match the witness checkpoint" "says the log was rewritten"
restore

# Pinning a key: a checkpoint signed by a key that is not the pinned one fails.
other_vkey=$(AUDITPACK_STORE="$WORK/other" "$AP" key show | awk '{print $3}')
expect_exit 1 "verify --vkey with a different key" -- "$AP" verify --vkey "$other_vkey"
expect_err "not signed by any pinned key" "says the checkpoints are not by the pinned key"
my_vkey=$("$AP" key show | awk '{print $3}')
expect_exit 0 "verify --vkey with the store's own key" -- "$AP" verify --vkey "$my_vkey"
echo "$checks checks"

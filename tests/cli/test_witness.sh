# Witnessed checkpoints (issue 6, "It must show" 5): every signing command
# copies its checkpoint to the witness directory, and deleting the newest
# entries together with their checkpoints is caught against that copy.
. "$TESTS/cli/lib.sh"

make_store
mkdir -p "$WORK/witness"
echo "witness: $WORK/witness" >>"$AUDITPACK_STORE/auditpack.yaml"
printf 'more\n' >"$WORK/more.txt"
expect_exit 0 "collect with a witness configured" -- "$AP" collect file "$WORK/more.txt"
[ -f "$WORK/witness/7.checkpoint" ] || die "no 7.checkpoint in the witness directory"
cmp -s "$WORK/witness/7.checkpoint" <("$AP" checkpoint) || die "the witness copy differs from the store's checkpoint"
ok "collect wrote its checkpoint to the witness as 7.checkpoint"
printf 'signed statement\n' >"$WORK/stmt.txt"
expect_exit 0 "attest" -- "$AP" attest --control iso27001:A.7.4 --file "$WORK/stmt.txt" --by "J. Doe"
[ -f "$WORK/witness/8.checkpoint" ] || die "attest did not write 8.checkpoint"
ok "attest wrote 8.checkpoint"
expect_exit 0 "key rotate" -- "$AP" key rotate
[ "$(ls "$WORK/witness" | wc -l)" = 2 ] || die "a re-signature of the same tree wrote another file"
ok "a key rotation re-signs the same tree: the witness keeps the first copy"
expect_exit 0 "verify uses the configured witness" -- "$AP" verify
expect_out "consistent with the witness checkpoint in $WORK/witness" "and says so"

# The attack: drop the newest entries and every checkpoint that covers them.
cp -r "$AUDITPACK_STORE" "$WORK/saved"
db "DELETE FROM entries WHERE idx >= 6; DELETE FROM checkpoints WHERE size > 6;"
sed -i '/^witness:/d' "$AUDITPACK_STORE/auditpack.yaml"
expect_exit 0 "on its own, the truncated store verifies (that is the attack)" -- "$AP" verify
echo "witness: $WORK/witness" >>"$AUDITPACK_STORE/auditpack.yaml"
expect_exit 1 "verify against the witness directory catches it" -- "$AP" verify
expect_err "the witness checkpoint covers 8 entries but the store has only 6" "names the loss"
expect_exit 1 "verify --against the witness copy file" -- "$AP" verify --against "$WORK/witness/7.checkpoint"
expect_err "covers 7 entries but the store has only 6" "names the loss"
cp_before=$(db "SELECT count(*) FROM checkpoints")
expect_exit 1 "a collect refuses to sign a tree smaller than the witness" -- "$AP" collect file "$WORK/more.txt"
expect_err "witness .* holds a checkpoint of 8 entries but the store has only 7" "says why"
[ "$(db "SELECT count(*) FROM checkpoints")" = "$cp_before" ] || die "the refused collect committed"
ok "the refused collect left the store as it was"
rm -rf "$AUDITPACK_STORE"; cp -r "$WORK/saved" "$AUDITPACK_STORE"

# A witness copy that is not a checkpoint, or is not there: an error naming
# the file, not a verdict either way.
expect_exit 3 "verify --against a file that does not exist" -- "$AP" verify --against "$WORK/nope.checkpoint"
expect_err "nope.checkpoint" "names it"
cp "$WORK/witness/8.checkpoint" "$WORK/8.saved"
echo "not a checkpoint" >"$WORK/witness/8.checkpoint"
expect_exit 3 "a damaged witness copy" -- "$AP" verify
expect_err "witness/8.checkpoint: not a signed checkpoint" "names the file"
cp "$WORK/8.saved" "$WORK/witness/8.checkpoint"

# A witness that cannot be written: the entries are committed, the command
# says the copy failed and exits 3 (cron notices).
chmod 500 "$WORK/witness"
if [ "$(id -u)" != 0 ]; then
	expect_exit 3 "an unwritable witness" -- "$AP" collect file "$WORK/stmt.txt"
	expect_err "checkpoint 9 is committed, but its witness copy was not written" "says what happened"
fi
chmod 700 "$WORK/witness"
rmdir "$WORK/witness" 2>/dev/null || mv "$WORK/witness" "$WORK/witness.old"
expect_exit 3 "a missing witness directory" -- "$AP" collect file "$WORK/stmt.txt"
expect_err "cannot read the witness directory" "names it"

echo "test_witness: $checks checks passed"

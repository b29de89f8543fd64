# Bad input: a clear message, exit 3, and the store keeps the same
# checkpoint (issue 2, "It must show" 7).
. "$TESTS/cli/lib.sh"

# No store.
expect_exit 3 "list without a store" -- "$AP" --store "$WORK/nowhere" list
expect_err "no evidence store at '$WORK/nowhere'.*auditpack init" "says there is no store and what to do"
expect_exit 3 "collect without a store" -- "$AP" --store "$WORK/nowhere" collect file /etc/hostname
expect_err "no evidence store" "collect says so too"
[ ! -e "$WORK/nowhere" ] || die "collect created a store"
ok "and creates nothing"
expect_exit 3 "verify without a store" -- "$AP" --store "$WORK/nowhere" verify

make_store
cp_before=$("$AP" checkpoint)
n_before=$(db "SELECT count(*) FROM entries")
same() {
	[ "$("$AP" checkpoint)" = "$cp_before" ] || die "$1: the checkpoint changed"
	[ "$(db "SELECT count(*) FROM entries")" = "$n_before" ] || die "$1: entries changed"
	ok "$1: the store keeps the same checkpoint"
}

# A missing file among good ones: nothing of the run is recorded.
expect_exit 3 "a missing file" -- "$AP" collect file "$WORK/docs/doc1.txt" "$WORK/missing.txt"
expect_err "cannot open '$WORK/missing.txt': No such file" "names the file and why"
same "missing file"

# A directory where a file was expected.
expect_exit 3 "a directory" -- "$AP" collect file "$WORK/docs/doc1.txt" "$WORK/docs"
expect_err "'$WORK/docs' is a directory, expected a file" "says it is a directory"
same "directory"

# Not a regular file.
mkfifo "$WORK/fifo"
expect_exit 3 "a FIFO" -- "$AP" collect file "$WORK/fifo"
expect_err "is not a regular file" "says it is not a regular file"
same "fifo"

# An unreadable file: root reads everything, so run as nobody on a store
# nobody owns.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	cp -r "$AUDITPACK_STORE" "$WORK/nobody-store"
	chown -R nobody "$WORK/nobody-store"
	printf 'secret\n' >"$WORK/unreadable.txt"
	chmod 000 "$WORK/unreadable.txt"
	chmod 755 "$WORK"
	nb_before=$(AUDITPACK_STORE="$WORK/nobody-store" "$AP" checkpoint)
	expect_exit 3 "an unreadable file" -- setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$AP" --store "$WORK/nobody-store" collect file "$WORK/unreadable.txt"
	expect_err "cannot open '$WORK/unreadable.txt': Permission denied" "says permission denied"
	[ "$(AUDITPACK_STORE="$WORK/nobody-store" "$AP" checkpoint)" = "$nb_before" ] || die "changed"
	ok "unreadable file: the store keeps the same checkpoint"
else
	printf 'secret\n' >"$WORK/unreadable.txt"
	chmod 000 "$WORK/unreadable.txt"
	expect_exit 3 "an unreadable file" -- "$AP" collect file "$WORK/unreadable.txt"
	expect_err "Permission denied" "says permission denied"
	same "unreadable"
fi

# Usage errors exit 2 and change nothing.
expect_exit 2 "collect file without paths" -- "$AP" collect file
expect_exit 2 "an unknown collector" -- "$AP" collect nonsense x
expect_exit 2 "an unknown kind" -- "$AP" collect file --kind bogus "$WORK/docs/doc1.txt"
expect_exit 2 "an unknown command" -- "$AP" frobnicate
expect_exit 2 "an unknown option" -- "$AP" list --bogus
expect_exit 2 "show without an index" -- "$AP" show
expect_exit 2 "show with a non-number" -- "$AP" show abc
expect_exit 2 "list --since with a bad time" -- "$AP" list --since yesterday
expect_exit 2 "a bad --wait" -- "$AP" --wait soon list
same "usage errors"
expect_exit 3 "show of an entry that does not exist" -- "$AP" show 999
expect_err "no entry 999" "says there is no such entry"
expect_exit 3 "proof of an entry that does not exist" -- "$AP" proof 999
expect_exit 3 "verify --against a missing file" -- "$AP" verify --against "$WORK/nope.cp"
expect_err "cannot open '$WORK/nope.cp'" "names the missing witness file"
printf 'not a checkpoint\n' >"$WORK/junk.cp"
expect_exit 1 "verify --against a malformed checkpoint" -- "$AP" verify --against "$WORK/junk.cp"
expect_err "witness checkpoint is malformed" "says the witness is malformed"
expect_exit 3 "verify --vkey with a malformed key" -- "$AP" verify --vkey "nonsense"

# A corrupted database file: every command reports it, exit 3, and the file
# is left as it was.
cp "$AUDITPACK_STORE/evidence.db" "$WORK/good.db"
rm -f "$AUDITPACK_STORE/evidence.db-wal" "$AUDITPACK_STORE/evidence.db-shm"
printf 'this is not a SQLite database header, it is garbage....' |
	dd of="$AUDITPACK_STORE/evidence.db" bs=1 seek=0 conv=notrunc 2>/dev/null
sum=$(sha256sum <"$AUDITPACK_STORE/evidence.db")
for cmd in "list" "verify" "checkpoint" "show 0" "proof 0" "key show"; do
	# shellcheck disable=SC2086
	expect_exit 3 "$cmd on a corrupted database" -- "$AP" $cmd
	expect_err "store database '.*evidence.db'.*(not a database|malformed)" "$cmd says the database is damaged"
done
expect_exit 3 "collect on a corrupted database" -- "$AP" collect file "$WORK/docs/doc1.txt"
expect_err "not a database" "collect says the database is damaged"
[ "$(sha256sum <"$AUDITPACK_STORE/evidence.db")" = "$sum" ] || die "the corrupted file was changed"
ok "the corrupted file is left as it was"

# Damage inside the file that SQLite itself cannot notice (a byte of a
# stored document) is found by verify, which names the entry.
cp "$WORK/good.db" "$AUDITPACK_STORE/evidence.db"
off=$(grep -abo 'line two of 5' "$AUDITPACK_STORE/evidence.db" | head -n1 | cut -d: -f1)
[ -n "$off" ] || die "payload not found in the database file"
printf 'L' | dd of="$AUDITPACK_STORE/evidence.db" bs=1 seek="$off" conv=notrunc 2>/dev/null
expect_exit 1 "verify finds a flipped byte in the database file" -- "$AP" verify
expect_err "entry 4: payload does not match its commitment" "and names the entry"

# A store directory whose evidence.db path fits PATH_MAX (4096 bytes) but
# whose auditpack.yaml path does not: collect says the path is too long
# rather than reading (and naming) a truncated file name.
long=$WORK/long
while [ ${#long} -lt 3800 ]; do long=$long/$(printf '%0200d' 0); done
long=$long/$(printf '%0*d' $((4082 - ${#long} - 1)) 0)
mkdir -p "$long" && : >"$long/evidence.db" || die "cannot make a 4082-byte directory name"
expect_exit 3 "collect in a store whose auditpack.yaml path is too long" -- "$AP" --store "$long" collect
expect_err "^auditpack: path too long: '" "says so, not 'no FILE' for a truncated name"
echo "$checks checks"

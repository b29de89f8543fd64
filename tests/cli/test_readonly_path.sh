# A read-only copy of a store whose path holds the characters a file: URI
# must escape (space, '?', '#', '%', non-ASCII): a reader without write
# access opens it as an immutable SQLite URI (store/store.c), and the
# path must come through the percent-encoding intact.
. "$TESTS/cli/lib.sh"
make_store
odd="$WORK/odd dir ?#%25 é+&=;"
mkdir -p "$odd"
cp -r "$AUDITPACK_STORE" "$odd/store"
as_reader() { "$@"; }
if [ "$(id -u)" = 0 ]; then
	command -v setpriv >/dev/null || { ok "skipped: root without setpriv cannot test a reader"; exit 0; }
	chown -R nobody "$WORK"
	chmod 755 "$WORK"
	as_reader() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
fi
chmod -R a-w "$odd/store"
[ ! -e "$odd/store/evidence.db-wal" ] || die "the copy has a -wal file: not the immutable case"
for cmd in "verify" "list" "show 0"; do
	# shellcheck disable=SC2086
	expect_exit 0 "a read-only copy at an odd path: $cmd" -- \
		as_reader env AUDITPACK_DATA="${AUDITPACK_DATA:-$TESTS/..}" "$AP" --store "$odd/store" $cmd
done
expect_exit 0 "verify on the copy" -- as_reader "$AP" --store "$odd/store" verify
expect_out "verified: 6 entries" "reads all six entries of the copy"
# A path with no store behind it names that path, decoded.
expect_exit 3 "a missing store at an odd path" -- as_reader "$AP" --store "$odd/none" verify
grep -Fq "no evidence store at '$odd/none'" "$WORK/err" || die "the path is not named as given: $(cat "$WORK/err")"
ok "names the path as given"
chmod -R u+w "$odd"
echo "$checks checks"

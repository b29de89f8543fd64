# collect file reads, hashes and compresses documents on a thread ahead of
# the one that appends them (issue 15): the entries are those of a plain
# one-by-one run; a document that cannot be read fails the run at its turn,
# naming it, and stores nothing; identical documents share one payload; a
# new document after a run of unchanged ones is still compressed (the
# store compresses it when the thread did not); the store verifies, and
# salts (drawn ahead with the commitments) are never reused.
. "$TESTS/cli/lib.sh"
export AUDITPACK_NOW=2026-11-30T00:00:00Z
"$AP" -q init --origin test.example/ahead || die "init"
mkdir -p "$WORK/d"
python3 - "$WORK/d" <<'PY'
import os, sys
d = sys.argv[1]
for i in range(300):
    with open(os.path.join(d, "doc%03d.txt" % i), "w") as f:
        f.write(("policy %d: access is reviewed quarterly by the owner.\n" % i) * (1 + i % 60))
PY
cp "$WORK/d/doc007.txt" "$WORK/d/copy-of-7.txt"
(cd "$WORK/d" && ls doc*.txt copy-of-7.txt) >"$WORK/list"

# One by one: a store per document, the reference entries.
"$AP" --store "$WORK/one" -q init --origin test.example/ahead || die "init one"
while read -r f; do
	(cd "$WORK/d" && "$AP" --store "$WORK/one" -q collect file "$f") || die "collect $f alone"
done <"$WORK/list"

expect_exit 0 "collect file of 301 documents at once" -- \
	sh -c "cd '$WORK/d' && '$AP' -q collect file --files-from '$WORK/list'"
q="SELECT e.idx, e.kind, e.source, e.attrs, e.payload_size, hex(p.sha256), p.encoding, hex(p.data)
   FROM entries e JOIN payloads p ON p.id = e.payload_id WHERE e.kind = 'document' ORDER BY e.idx"
# One-by-one runs sign a checkpoint each; the entries are what compare.
sqlite3 "$WORK/store/evidence.db" "$q" >"$WORK/ahead.rows"
sqlite3 "$WORK/one/evidence.db" "$q" >"$WORK/one.rows"
[ "$(wc -l <"$WORK/ahead.rows")" = 301 ] || die "301 entries expected"
cmp -s "$WORK/ahead.rows" "$WORK/one.rows" || die "entries differ from one-by-one collects"
ok "the same entries, attrs and payloads (compressed alike) as one document per run"
[ "$(sqlite3 "$WORK/store/evidence.db" "SELECT count(*) FROM payloads WHERE encoding = 1")" -ge 290 ] ||
	die "documents were not compressed"
ok "text documents are stored compressed"
[ "$(sqlite3 "$WORK/store/evidence.db" "SELECT count(DISTINCT payload_id) FROM entries
      WHERE kind = 'document'")" = 300 ] || die "the copy has a payload of its own"
ok "an identical document shares the payload"

# Seen again: unchanged, nothing new; then one new document after them.
expect_exit 0 "collect the same documents again" -- \
	sh -c "cd '$WORK/d' && '$AP' --json collect file --files-from '$WORK/list'"
python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); f=j["files"]; assert len(f)==301 and all(x["unchanged"] for x in f)' \
	"$WORK/out" || die "not all unchanged"
ok "every document unchanged"
python3 -c 'print("a new procedure, compressible. " * 200)' >"$WORK/d/zz-new.txt"
cp "$WORK/list" "$WORK/list2"
echo zz-new.txt >>"$WORK/list2"
expect_exit 0 "collect them with a new one last" -- \
	sh -c "cd '$WORK/d' && '$AP' -q collect file --files-from '$WORK/list2'"
[ "$(sqlite3 "$WORK/store/evidence.db" "SELECT p.encoding FROM entries e JOIN payloads p
      ON p.id = e.payload_id WHERE e.attrs LIKE '%zz-new.txt%'")" = 1 ] || die "new document not compressed"
ok "the new document after unchanged ones is compressed"

# A document that cannot be read, in the middle: exit 3 naming it, nothing stored.
before=$(sqlite3 "$WORK/store/evidence.db" "SELECT count(*) FROM entries")
python3 -c 'print("another new one. " * 50)' >"$WORK/d/zz-later.txt"
{ head -n 150 "$WORK/list"; echo missing.txt; echo zz-later.txt; } >"$WORK/list3"
expect_exit 3 "a missing document among 152" -- \
	sh -c "cd '$WORK/d' && '$AP' -q collect file --files-from '$WORK/list3'"
expect_err "missing.txt" "the message names the missing document"
[ "$(sqlite3 "$WORK/store/evidence.db" "SELECT count(*) FROM entries")" = "$before" ] ||
	die "entries were stored by the failed run"
ok "the failed run stored nothing"
expect_exit 0 "the store verifies (every commitment, over its salt and payload)" -- "$AP" verify
[ "$(sqlite3 "$WORK/store/evidence.db" "SELECT count(DISTINCT salt) = count(*) FROM entries
      WHERE salt IS NOT NULL")" = 1 ] || die "a salt was used twice"
ok "every entry has a salt of its own (drawn on the read-ahead thread or by the store)"
echo "1..$checks"

# The command line: --help everywhere, --version, store selection, quiet,
# output files and the --json shapes of docs/architecture.md.
. "$TESTS/cli/lib.sh"

expect_exit 0 "--version" -- "$AP" --version
expect_out "^auditpack [0-9]+\.[0-9]+\.[0-9]+$" "--version prints the version"
expect_exit 0 "--help" -- "$AP" --help
for c in init key collect list show checkpoint proof verify; do
	expect_exit 0 "$c --help" -- "$AP" "$c" --help
	expect_out "^usage: auditpack" "$c --help prints its usage"
	expect_exit 0 "help $c" -- "$AP" help "$c"
done
expect_exit 2 "no command" -- "$AP"

# Store selection: --store, then $AUDITPACK_STORE, then ./.auditpack.
make_store
expect_exit 0 "AUDITPACK_STORE selects the store" -- "$AP" list
[ "$(wc -l <"$WORK/out")" = 6 ] || die "list shows $(wc -l <"$WORK/out") rows"
ok "list shows the 6 entries"
expect_exit 3 "--store overrides AUDITPACK_STORE" -- "$AP" --store "$WORK/other" list
(cd "$WORK" && unset AUDITPACK_STORE && "$AP" -q init --origin test.example/dot && [ -f .auditpack/evidence.db ]) ||
	die "./.auditpack default"
ok "without either, ./.auditpack is used"

# Quiet: nothing on stdout for a successful collect or verify.
expect_exit 0 "-q collect" -- "$AP" -q collect file "$WORK/docs/doc1.txt"
[ ! -s "$WORK/out" ] || die "-q printed: $(cat "$WORK/out")"
expect_exit 0 "-q verify" -- "$AP" -q verify
[ ! -s "$WORK/out" ] || die "-q verify printed"
ok "-q prints nothing on success"

# Documents write to stdout unless -o FILE.
expect_exit 0 "checkpoint -o" -- "$AP" checkpoint -o "$WORK/cp"
[ ! -s "$WORK/out" ] && [ -s "$WORK/cp" ] || die "checkpoint -o"
expect_exit 0 "proof -o" -- "$AP" proof 2 -o "$WORK/proof"
head -n1 "$WORK/proof" | grep -qx 'c2sp.org/tlog-proof@v1' || die "proof -o"
expect_exit 0 "key export-public -o" -- "$AP" key export-public -o "$WORK/pub.pem"
grep -q 'BEGIN PUBLIC KEY' "$WORK/pub.pem" || die "pem"
ok "-o writes checkpoint, proof and public key to files"

# JSON shapes.
"$AP" list --json >"$WORK/list.json"
"$AP" show 0 --json >"$WORK/show.json"
python3 - "$WORK/list.json" "$WORK/show.json" <<'PY' || die "JSON shapes"
import json, sys
lst = json.load(open(sys.argv[1])); one = json.load(open(sys.argv[2]))
keys = ["index", "kind", "source", "subject", "effective", "collected", "attrs",
        "leaf_hash", "payload_sha256", "payload_size", "erased"]
assert isinstance(lst, list) and len(lst) == 7, len(lst)
for e in lst:
    assert all(k in e for k in keys), e.keys()
    assert "leaf_data" not in e
    assert isinstance(e["attrs"], dict) and isinstance(e["erased"], bool)
assert all(k in one for k in keys + ["leaf_data"])
assert [e["index"] for e in lst] == list(range(7))
assert len(one["leaf_hash"]) == 64 and len(one["payload_sha256"]) == 64
assert one["attrs"]["type"] == "policy" and one["attrs"]["size"] == one["payload_size"]
PY
ok "list --json and show --json carry the documented keys (docs/architecture.md)"

# Filters.
[ "$("$AP" list --kind attestation | wc -l)" = 1 ] || die "--kind"
[ "$("$AP" list --source documents | wc -l)" = 6 ] || die "--source"
[ "$("$AP" list --since 2999-01-01T00:00:00Z | wc -l)" = 0 ] || die "--since"
ok "list --kind, --source and --since filter"
expect_exit 0 "show --payload" -- "$AP" show 0 --payload
cmp "$WORK/out" "$WORK/docs/doc1.txt" || die "payload differs"
ok "show --payload gives back the document byte for byte"
echo "$checks checks"

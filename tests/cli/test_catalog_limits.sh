# Imported catalogues have size limits (issue 10, item 5): a catalogue over
# one is refused with exit 3 naming the file and the limit, and nothing is
# imported.  Limits: controls/catalog.h, docs/configuration.md.
. "$TESTS/cli/lib.sh"
make_store
"$AP" frameworks --json >"$WORK/fw.before"
snapshot() { (cd "$AUDITPACK_STORE" && find . -type f ! -name 'evidence.db-*' -print0 | sort -z |
	xargs -0 sha256sum) }
snapshot >"$WORK/store.before"

# gen OUT [title=N] [controls=N] [statement=N] [props=N]: a valid OSCAL
# catalogue (framework-id "big") with those sizes.
gen() {
	python3 - "$@" <<'PY'
import sys
out, opts = sys.argv[1], dict(a.split("=") for a in sys.argv[2:])
title = "T" * int(opts.get("title", 10))
n, stmt, props = int(opts.get("controls", 2)), int(opts.get("statement", 10)), int(opts.get("props", 1))
with open(out, "w") as f:
    f.write('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<catalog xmlns="http://csrc.nist.gov/ns/oscal/1.0" uuid="194bd130-ea4a-50ba-a68c-6bc7b22a0a95">\n'
            '  <metadata>\n    <title>%s</title>\n' % title +
            '    <last-modified>2026-11-29T00:00:00Z</last-modified>\n    <version>1</version>\n'
            '    <oscal-version>1.2.1</oscal-version>\n'
            '    <prop name="framework-id" ns="https://auditpack.dev/ns/oscal" value="big"/>\n'
            '  </metadata>\n  <group id="g1">\n    <title>Group</title>\n')
    for i in range(n):
        f.write('    <control id="c-%d">\n      <title>Control %d</title>\n' % (i, i))
        for k in range(props):
            f.write('      <prop name="p%d" value="v"/>\n' % k)
        f.write('      <part id="c-%d_smt" name="statement"><p>%s</p></part>\n    </control>\n'
                % (i, "s" * (stmt if i == n - 1 else 10)))
    f.write('  </group>\n</catalog>\n')
PY
}
unchanged() {
	"$AP" frameworks --json >"$WORK/fw.after"
	cmp -s "$WORK/fw.before" "$WORK/fw.after" || die "$1: the frameworks changed"
	snapshot >"$WORK/store.after"
	cmp -s "$WORK/store.before" "$WORK/store.after" || { diff "$WORK/store.before" "$WORK/store.after"; die "$1: the store changed"; }
	ok "$1: nothing imported, the store unchanged"
}

gen "$WORK/ok.xml" title=1000 controls=50 statement=60000 props=200
expect_exit 0 "a catalogue just inside every limit imports" -- "$AP" controls import "$WORK/ok.xml"
rm -f "$AUDITPACK_STORE/controls/big.xml"
snapshot >"$WORK/store.before"

gen "$WORK/title60m.xml" title=$((60 * 1024 * 1024))
expect_exit 3 "a catalogue with a 60 MB title" -- "$AP" controls import "$WORK/title60m.xml"
expect_err "catalogue file size: .*title60m\.xml. is [0-9]+ bytes, over the 16777216-byte limit" "names the file and the 16 MiB file limit"
unchanged "60 MB title"

gen "$WORK/title.xml" title=100000
expect_exit 3 "a 100 kB catalogue title" -- "$AP" controls import "$WORK/title.xml"
expect_err "title\.xml:4: the catalogue title is 100000 bytes, over the catalogue limit of 1024" "names file:line and the title limit"
unchanged "100 kB title"

gen "$WORK/many.xml" controls=10001
expect_exit 3 "10 001 controls" -- "$AP" controls import "$WORK/many.xml"
expect_err "many\.xml:[0-9]+: more than 10000 controls, the catalogue limit" "names the control limit"
unchanged "10 001 controls"

gen "$WORK/prose.xml" statement=70000
expect_exit 3 "a 70 kB control statement" -- "$AP" controls import "$WORK/prose.xml"
expect_err "prose\.xml:[0-9]+: a control statement is 70000 bytes, over the catalogue limit of 65536" "names the statement limit"
unchanged "70 kB statement"

gen "$WORK/props.xml" props=300
expect_exit 3 "300 props on a control" -- "$AP" controls import "$WORK/props.xml"
expect_err "props\.xml:[0-9]+: control 'c-0' has 300 props, over the catalogue limit of 256" "names the props limit"
unchanged "300 props"

# A catalogue put in the store's controls/ by hand is held to the same
# limits: every command says which file, rather than slowing to a crawl.
cp "$WORK/title.xml" "$AUDITPACK_STORE/controls/big.xml" 2>/dev/null ||
	{ mkdir -p "$AUDITPACK_STORE/controls" && cp "$WORK/title.xml" "$AUDITPACK_STORE/controls/big.xml"; }
expect_exit 3 "frameworks with an oversized catalogue in the store" -- "$AP" frameworks
expect_err "controls/big\.xml:4: the catalogue title is 100000 bytes" "names the file and the limit"
echo "$checks checks"

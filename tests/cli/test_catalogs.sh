# Control catalogues: the exact sets of every framework, OSCAL validity of
# every export, import of a real NIST catalogue, and clear errors
# (issue 4, "It must show" 1, 2 and 5).
. "$TESTS/cli/lib.sh"
"$AP" -q init --origin test.example/catalogs
XSD="$TESTS/../controls/schema/oscal_catalog_schema.xsd"

labels() { "$AP" controls "$1" --json | python3 -c 'import json,sys; print("\n".join(c["label"] for c in json.load(sys.stdin)))' | sort; }
expect_set() { # framework, description; expected labels on stdin
	sort >"$WORK/want"
	labels "$1" >"$WORK/got"
	diff "$WORK/want" "$WORK/got" >"$WORK/diff" || { cat "$WORK/diff"; die "$1: $2"; }
	ok "$1: exactly $2 ($(wc -l <"$WORK/want") controls)"
}

expect_exit 0 "frameworks --json" -- "$AP" frameworks --json
python3 - "$WORK/out" <<'PY' || die "frameworks --json shape"
import json, sys
fw = json.load(open(sys.argv[1]))
ids = [f["id"] for f in fw]
assert ids == sorted(["eu-ai-act", "gdpr", "hipaa", "iso27001", "iso42001", "rbi", "rbi-free-ai", "sebi-cscrf"]), ids
for f in fw:
    assert set(f) >= {"id", "title", "version", "source", "controls"}, f
    assert f["source"].startswith("https://") and f["controls"] > 0, f
PY
ok "the eight frameworks, each with title, version, source and a control count"

python3 - >"$WORK/iso27001.want" <<'PY'

clauses = "4.1 4.2 4.3 4.4 5.1 5.2 5.3 6.1.1 6.1.2 6.1.3 6.2 6.3 7.1 7.2 7.3 7.4 7.5.1 7.5.2 7.5.3 8.1 8.2 8.3 9.1 9.2.1 9.2.2 9.3.1 9.3.2 9.3.3 10.1 10.2".split()
annex = ["A.%d.%d" % (t, i) for t, n in ((5, 37), (6, 8), (7, 14), (8, 34)) for i in range(1, n + 1)]
assert len(annex) == 93
print("\n".join(clauses + annex))
PY
expect_set iso27001 "clauses 4-10 and the 93 Annex A controls" <"$WORK/iso27001.want"
python3 - >"$WORK/iso42001.want" <<'PY'

clauses = "4.1 4.2 4.3 4.4 5.1 5.2 5.3 6.1.1 6.1.2 6.1.3 6.1.4 6.2 6.3 7.1 7.2 7.3 7.4 7.5.1 7.5.2 7.5.3 8.1 8.2 8.3 8.4 9.1 9.2.1 9.2.2 9.3.1 9.3.2 9.3.3 10.1 10.2".split()
annex = ("A.2.2 A.2.3 A.2.4 A.3.2 A.3.3 A.4.2 A.4.3 A.4.4 A.4.5 A.4.6 A.5.2 A.5.3 A.5.4 A.5.5 "
         "A.6.1.2 A.6.1.3 A.6.2.2 A.6.2.3 A.6.2.4 A.6.2.5 A.6.2.6 A.6.2.7 A.6.2.8 "
         "A.7.2 A.7.3 A.7.4 A.7.5 A.7.6 A.8.2 A.8.3 A.8.4 A.8.5 A.9.2 A.9.3 A.9.4 "
         "A.10.2 A.10.3 A.10.4").split()
assert len(annex) == 38
print("\n".join(clauses + annex))
PY
expect_set iso42001 "clauses 4-10 and the 38 Annex A controls" <"$WORK/iso42001.want"
expect_set gdpr "Art. 1-99" < <(seq 1 99 | sed 's/^/Art. /')
expect_set eu-ai-act "Art. 1-113" < <(seq 1 113 | sed 's/^/Art. /')
expect_set rbi "the numbered directions Para 1-32" < <(seq 1 32 | sed 's/^/Para /')
expect_set rbi-free-ai "the 7 sutras and 26 recommendations" < <(seq 1 7 | sed 's/^/Sutra /'; seq 1 26 | sed 's/^/Recommendation /')
expect_set sebi-cscrf "every standard code in the SEBI extraction" < <(grep -v '^#' "$TESTS/data/sebi-cscrf-standards.txt")
# 45 CFR 164.308-164.316: every standard and implementation specification.
expect_set hipaa "every standard and implementation specification of 164.308-164.316" <<'LIST'
164.308(a)(1)(i)
164.308(a)(1)(ii)(A)
164.308(a)(1)(ii)(B)
164.308(a)(1)(ii)(C)
164.308(a)(1)(ii)(D)
164.308(a)(2)
164.308(a)(3)(i)
164.308(a)(3)(ii)(A)
164.308(a)(3)(ii)(B)
164.308(a)(3)(ii)(C)
164.308(a)(4)(i)
164.308(a)(4)(ii)(A)
164.308(a)(4)(ii)(B)
164.308(a)(4)(ii)(C)
164.308(a)(5)(i)
164.308(a)(5)(ii)(A)
164.308(a)(5)(ii)(B)
164.308(a)(5)(ii)(C)
164.308(a)(5)(ii)(D)
164.308(a)(6)(i)
164.308(a)(6)(ii)
164.308(a)(7)(i)
164.308(a)(7)(ii)(A)
164.308(a)(7)(ii)(B)
164.308(a)(7)(ii)(C)
164.308(a)(7)(ii)(D)
164.308(a)(7)(ii)(E)
164.308(a)(8)
164.308(b)(1)
164.308(b)(3)
164.310(a)(1)
164.310(a)(2)(i)
164.310(a)(2)(ii)
164.310(a)(2)(iii)
164.310(a)(2)(iv)
164.310(b)
164.310(c)
164.310(d)(1)
164.310(d)(2)(i)
164.310(d)(2)(ii)
164.310(d)(2)(iii)
164.310(d)(2)(iv)
164.312(a)(1)
164.312(a)(2)(i)
164.312(a)(2)(ii)
164.312(a)(2)(iii)
164.312(a)(2)(iv)
164.312(b)
164.312(c)(1)
164.312(c)(2)
164.312(d)
164.312(e)(1)
164.312(e)(2)(i)
164.312(e)(2)(ii)
164.314(a)(1)
164.314(a)(2)(i)
164.314(a)(2)(ii)
164.314(a)(2)(iii)
164.314(b)(1)
164.314(b)(2)(i)
164.314(b)(2)(ii)
164.314(b)(2)(iii)
164.314(b)(2)(iv)
164.316(a)
164.316(b)(1)
164.316(b)(2)(i)
164.316(b)(2)(ii)
164.316(b)(2)(iii)
LIST
"$AP" controls hipaa --json >/dev/null
"$AP" controls hipaa '164.312(a)(2)(iv)' --json | python3 -c '
import json,sys
c = json.load(sys.stdin)
assert c["props"]["implementation"] == "addressable" and c["parent"] == "s164.312-a-1", c' || die "hipaa props"
"$AP" controls hipaa '164.312(b)' --json | python3 -c '
import json,sys; assert json.load(sys.stdin)["props"]["implementation"] == "standard"' || die "hipaa standard"
ok "HIPAA specifications carry required/addressable and their standard"
"$AP" controls eu-ai-act 'Art. 26' --json | python3 -c '
import json,sys
c = json.load(sys.stdin); p = c["props"]
assert p["high-risk-obligation"] == "true" and "deployer" in p["role"], c' || die "ai act props"
"$AP" controls sebi-cscrf GV.OC.S2 --json | python3 -c '
import json,sys
p = json.load(sys.stdin)["props"]; assert "mii" in p["applies-to"], p' || die "sebi props"
ok "EU AI Act high-risk obligations and SEBI applicability are marked"
expect_exit 0 "a control by label" -- "$AP" controls iso27001 A.8.15
expect_out "Logging" "shows its title"
expect_exit 0 "a control by id, any case of label" -- "$AP" controls gdpr 'art 32'
expect_exit 2 "an unknown control (a usage error, as in attest --control)" -- "$AP" controls iso27001 A.9.99
expect_exit 2 "an unknown framework (a usage error, as in assess --framework)" -- "$AP" controls nosuch

# Every catalogue exports as valid OSCAL.
for fw in eu-ai-act gdpr hipaa iso27001 iso42001 rbi rbi-free-ai sebi-cscrf; do
	"$AP" controls export "$fw" -o "$WORK/$fw.xml" || die "export $fw"
	xmllint --noout --nonet --schema "$XSD" "$WORK/$fw.xml" 2>"$WORK/err" || { cat "$WORK/err"; die "$fw export invalid"; }
done
ok "controls export of all eight validates with xmllint against the OSCAL 1.2.1 catalog XSD"

# A real catalogue nobody here wrote: NIST SP 800-53 rev. 5.
expect_exit 0 "controls import of NIST SP 800-53" -- "$AP" controls import "$TESTS/data/oscal/NIST_SP-800-53_rev5_catalog.xml" --id nist-800-53
expect_out "imported nist-800-53: 1189 controls" "says 1189 controls"
"$AP" controls nist-800-53 --json | python3 -c '
import json, re, sys
c = json.load(sys.stdin)
labels = [x["label"] for x in c]
assert len(c) == 1189, len(c)
assert labels[:2] == ["AC-1", "AC-2"] and "AC-2(1)" in labels and "SR-12" in labels, labels[:5]
assert all(re.fullmatch(r"[A-Z]{2}-\d+(\(\d+\))?", l) for l in labels), [l for l in labels if not re.fullmatch(r"[A-Z]{2}-\d+(\(\d+\))?", l)][:5]' ||
	die "NIST labels"
ok "all 1189 controls and enhancements with their labels (AC-2, AC-2(1), ...)"
"$AP" frameworks | grep -q '^nist-800-53 *1189' || die "frameworks lists the import"
ok "frameworks lists the imported catalogue"
expect_exit 3 "importing the same framework twice" -- "$AP" controls import "$TESTS/data/oscal/NIST_SP-800-53_rev5_catalog.xml" --id nist-800-53
expect_err "exists already" "says it exists"

# Bad catalogues: file:line, exit 3, nothing imported.
sed 's|<title>Account Management</title>|<titel>Account Management</titel>|' \
	"$TESTS/data/oscal/NIST_SP-800-53_rev5_catalog.xml" >"$WORK/bad-schema.xml"
expect_exit 3 "a catalogue with a schema error" -- "$AP" controls import "$WORK/bad-schema.xml" --id bad1
expect_err "bad-schema.xml:[0-9]+: .*titel" "names file and line of the schema error"
python3 - "$AP" "$WORK" <<'PY'
import subprocess, sys
src = subprocess.run([sys.argv[1], "controls", "export", "iso27001"], capture_output=True, text=True).stdout
bad = src.replace('<control id="a.8.16"', '<control id="a.8.15"', 1)
assert bad != src
open(sys.argv[2] + "/dup.xml", "w").write(bad.replace('value="iso27001"', 'value="dupe"'))
PY
expect_exit 3 "a catalogue with a duplicate control id" -- "$AP" controls import "$WORK/dup.xml"
expect_err "dup.xml:[0-9]+: duplicate control id 'a.8.15'" "names the duplicate and its line"
printf '<catalog><oops></catalog>\n' >"$WORK/broken.xml"
expect_exit 3 "malformed XML" -- "$AP" controls import "$WORK/broken.xml"
expect_err "broken.xml:1: " "names file and line"
[ "$("$AP" frameworks | wc -l)" = 9 ] || die "a bad import was kept"
ok "no bad catalogue was imported"
echo "$checks checks"

# Free text kept for ever must not carry personal data (issue 10, item 8):
# an erase reason goes into a tombstone that is never erased and into every
# pack's summary; a gate policy's exclusion justification into every
# gate-decision entry.  Both are scanned with the PII detectors and refused
# with a hint, and nothing is stored.
. "$TESTS/cli/lib.sh"
export AUDITPACK_NOW=$DEPLOY_T0
make_deployment test.example/freetext

# The deployment's user ids are too short to name raw: erase by token.
subj=$("$AP" show 0 --payload | grep -o '<user:[0-9a-f]*>' | head -n 1)
[ -n "$subj" ] || die "no user token in the gateway log"
cp_before=$("$AP" checkpoint)
n_before=$("$AP" list | wc -l)
expect_exit 2 "an erase reason with an e-mail is refused" -- \
	"$AP" erase --subject "$subj" --reason "request from alice@bank.example"
expect_err "^auditpack: .*the reason contains personal data \(email\).*ticket number such as DSR-114" \
	"the refusal names the kind of data and hints at a ticket number"
expect_exit 2 "an erase reason with a phone number is refused too" -- \
	"$AP" erase --subject "$subj" --reason "call back +44 20 7946 0958" --dry-run
expect_err "personal data \(phone\)" "phone named"
[ "$("$AP" checkpoint)" = "$cp_before" ] || die "a refused erase changed the checkpoint"
[ "$("$AP" list | wc -l)" = "$n_before" ] || die "a refused erase added entries"
! grep -rqaF "alice@bank.example" "$(store_plain)" || die "the refused reason reached the store"
ok "a refused erase leaves the store unchanged and the e-mail nowhere in it"

expect_exit 0 "a ticket number is a fine reason" -- "$AP" erase --subject "$subj" --reason DSR-114
"$AP" list --kind tombstone --json | grep -q '"reason":"DSR-114"' ||
	"$AP" show "$("$AP" list --kind tombstone | tail -n 1 | cut -f1)" --json | grep -q 'DSR-114' ||
	die "the tombstone does not carry the reason"
ok "the tombstone carries the ticket number"

# A gate policy whose exclusion justification names a person: exit 3, file:line.
cat >"$WORK/policy.yaml" <<'YAML'
frameworks: [rbi-free-ai]
exclude:
  - control: "rbi-free-ai:rec-15"
    justification: "prompts are never logged: no masking to check"
  - control: "rbi-free-ai:rec-16"
    justification: "approved by bob.jones@bank.example on the phone"
YAML
n_before=$("$AP" list | wc -l)
expect_exit 3 "a justification with an e-mail is refused" -- \
	"$AP" gate --policy "$WORK/policy.yaml"
expect_err "^auditpack: .*policy.yaml:6:[0-9]+: the justification of rbi-free-ai:.*contains personal data \(email\).*DSR-114" \
	"the refusal names file:line, the control and the hint"
[ "$("$AP" list | wc -l)" = "$n_before" ] || die "a refused policy recorded a gate decision"
ok "no gate decision is recorded for a refused policy"
# An accepted finding's justification is recorded the same way.
cat >"$WORK/accept.yaml" <<'YAML'
frameworks: [rbi-free-ai]
exclude:
  - finding: 0123456789abcdef
    justification: "risk accepted by +44 20 7946 0958"
YAML
expect_exit 3 "an accepted finding's justification with a phone number is refused" -- \
	"$AP" gate --policy "$WORK/accept.yaml"
expect_err "accept.yaml:3: the justification of accepted finding 0123456789abcdef contains personal data \(phone\)" \
	"names file:line and the finding"
[ "$("$AP" list | wc -l)" = "$n_before" ] || die "a refused policy recorded a gate decision"
sed -i 's/approved by bob.jones@bank.example on the phone/approved in CAB-2291/' "$WORK/policy.yaml"
"$AP" gate --policy "$WORK/policy.yaml" >"$WORK/out" 2>"$WORK/err"
[ $? -le 1 ] || { cat "$WORK/err"; die "a clean justification is not accepted"; }
ok "a justification with a ticket number is accepted"
echo "1..$checks"

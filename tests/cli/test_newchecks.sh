# The checks added with the deployment profile (It must show 5), each
# passing and failing on evidence made for it: records of processing (a
# document of type ropa), backups (a backup job's output or a restore test
# record, within a window), and clock synchronisation (chronyc tracking or
# timedatectl show output: synchronised, offset under a bound).
. "$TESTS/cli/lib.sh"
export AUDITPACK_NOW=2026-11-30T00:00:00Z
rm -rf "$AUDITPACK_STORE"
"$AP" -q init --origin test.example/newchecks || die "init"
# check ID: "status: detail" of that check (the same under every control)
check() {
	"$AP" assess --json >"$WORK/a.json" || die "assess"
	jq -r --arg k "$1" '[.frameworks[].controls[].checks[] | select(.id == $k)][0] |
		.status + ": " + .detail' "$WORK/a.json"
}
status_of() { # FW LABEL
	jq -r --arg fw "$1" --arg l "$2" '.frameworks[] | select(.id == $fw) | .controls[] |
		select(.label == $l) | .status' "$WORK/a.json"
}

# Records of processing: GDPR Art. 30.
check ropa-present | grep -q "^missing: no document evidence of type ropa" || die "ropa without a record: $(check ropa-present)"
printf 'Record of processing activities: LLM gateway\n' >"$WORK/ropa.md"
"$AP" -q collect file --type ropa "$WORK/ropa.md" || die "collect ropa"
check ropa-present | grep -q "^pass: " || die "ropa: $(check ropa-present)"
[ "$(status_of gdpr "Art. 30")" = pass ] || die "Art. 30 is $(status_of gdpr "Art. 30")"
ok "a ropa document makes GDPR Art. 30 pass; none leaves it missing"
AUDITPACK_NOW=2028-01-01T00:00:00Z check ropa-present | grep -q "^stale: " || die "a two-year-old ropa is not stale"
ok "a ropa older than a year is stale"

# Backups: a failing job fails, a good one passes, a restore test passes.
check backup-evidence | grep -q "^missing: no backup job output .* and no restore test record .* has been collected" || die "backup: $(check backup-evidence)"
"$AP" -q collect cmd --name nightly-backup --type backup -- sh -c 'echo backup failed >&2; exit 2' || die "collect backup"
check backup-evidence | grep -Eq "^fail: .*the newest backup job output \(entry [0-9]+, 0 days old\) exited with an error" ||
	die "a failed backup job passed: $(check backup-evidence)"
ok "no backup evidence is missing; a failed backup job fails"
"$AP" -q collect cmd --name nightly-backup --type backup -- sh -c 'echo 1234 files, 5 GiB' || die "collect backup"
check backup-evidence | grep -q "^pass: a backup job ran and exited 0" || die "backup: $(check backup-evidence)"
[ "$(status_of iso27001 A.8.13)" = pass ] || die "A.8.13 is $(status_of iso27001 A.8.13)"
ok "a backup job that exited 0 passes ISO 27001 A.8.13"
AUDITPACK_NOW=2026-12-05T00:00:00Z check backup-evidence | grep -q "^fail: " || die "a five-day-old backup passed"
ok "a backup older than backup-within fails"
printf 'Restore test 2026-11-20: restored 5 GiB to staging in 40 min\n' >"$WORK/restore.md"
"$AP" -q collect file --type restore-test "$WORK/restore.md" || die "collect restore test"
AUDITPACK_NOW=2026-12-05T00:00:00Z check backup-evidence | grep -q "^pass: a restore test record is on file" ||
	die "restore test: $(AUDITPACK_NOW=2026-12-05T00:00:00Z check backup-evidence)"
ok "a restore test record passes within its window"

# Clock synchronisation from chronyc tracking and timedatectl show output.
chrony() { # SYSTEM_TIME LEAP
	"$AP" -q collect cmd --name clock --type clock -- printf \
		'Reference ID    : A9FEA97B (169.254.169.123)\nStratum         : 4\nSystem time     : %s\nLast offset     : -0.000001 seconds\nLeap status     : %s\n' \
		"$1" "$2" || die "collect chrony"
}
check clock-synchronised | grep -q "^missing: no command-output evidence of type clock" || die "clock: $(check clock-synchronised)"
"$AP" -q collect cmd --name date -- printf 'Mon Nov 30\n' || die "collect untyped"
check clock-synchronised | grep -q "^missing: " || die "untyped output fed the clock check"
ok "only output declared as type clock counts"
chrony "0.000012345 seconds fast of NTP time" Normal
check clock-synchronised | grep -q "^pass: the clock is synchronised, 0.012 ms off (allowed 100.000 ms" || die "chrony: $(check clock-synchronised)"
[ "$(status_of iso27001 A.8.17)" = pass ] || die "A.8.17 is $(status_of iso27001 A.8.17)"
ok "chronyc tracking, synchronised, 12 us off: A.8.17 passes"
chrony "0.512000000 seconds slow of NTP time" Normal
check clock-synchronised | grep -q "^fail: the clock is synchronised but 512.000 ms off" || die "offset: $(check clock-synchronised)"
ok "an offset over max-offset fails"
chrony "0.000000000 seconds fast of NTP time" "Not synchronised"
check clock-synchronised | grep -q "^fail: chrony is not synchronised (Leap status: Not synchronised" || die "leap: $(check clock-synchronised)"
ok "chrony not synchronised fails"
"$AP" -q collect cmd --name clock --type clock -- printf 'Timezone=UTC\nLocalRTC=no\nNTP=yes\nNTPSynchronized=no\n' || die "collect"
check clock-synchronised | grep -q "^fail: the system clock is not synchronised (NTPSynchronized=no" || die "timedatectl: $(check clock-synchronised)"
"$AP" -q collect cmd --name clock --type clock -- printf 'Timezone=UTC\nNTP=yes\nNTPSynchronized=yes\n' || die "collect"
check clock-synchronised | grep -q "^pass: the clock is synchronised .*reports no offset" || die "timedatectl: $(check clock-synchronised)"
ok "timedatectl show: NTPSynchronized=no fails, yes passes"
"$AP" -q collect cmd --name clock --type clock -- printf 'all good\n' || die "collect"
check clock-synchronised | grep -q "^fail: .*neither chronyc tracking nor timedatectl show" || die "garbage: $(check clock-synchronised)"
"$AP" -q collect cmd --name clock --type clock -- sh -c 'echo "NTPSynchronized=yes"; exit 1' || die "collect"
check clock-synchronised | grep -Eq "^fail: .*(did not exit 0|exited with status 1)" || die "exit 1: $(check clock-synchronised)"
ok "output of another shape, or a non-zero exit, fails closed"
"$AP" -q collect cmd --name clock --type clock -- printf 'NTPSynchronized=yes\n' || die "collect"
"$AP" -q collect cmd --name clock-db --type clock -- printf 'Leap status     : Not synchronised\n' || die "collect"
check clock-synchronised | grep -q "^fail: chrony is not synchronised (Leap status: Not synchronised; entry [0-9]*, clock-db)" ||
	die "two sources: $(check clock-synchronised)"
ok "each clock source is judged: one unsynchronised host fails the check, named"
"$AP" -q collect cmd --name clock-db --type clock -- printf 'NTPSynchronized=yes\n' || die "collect"
check clock-synchronised | grep -q "^pass: .*so are the other sources' clocks" || die "two good sources: $(check clock-synchronised)"

# A configured command source declares its output type.
CFG=$AUDITPACK_STORE/auditpack.yaml
printf 'origin: test.example/newchecks\nsources:\n  - name: clock\n    type: command\n    output-type: Clock!\n    run: [printf, "NTPSynchronized=no\\n"]\n' >"$CFG"
expect_exit 3 "a bad output-type" -- "$AP" collect
expect_err "auditpack.yaml:5:18: source 'clock': output-type must be" "names file:line:column"
sed -i 's/Clock!/clock/' "$CFG"
expect_exit 0 "collect a configured clock source" -- "$AP" collect
check clock-synchronised | grep -q "^fail: the system clock is not synchronised (NTPSynchronized=no; entry [0-9]*, clock)" ||
	die "configured: $(check clock-synchronised)"
ok "output-type in auditpack.yaml types the output"
echo "1..$checks"

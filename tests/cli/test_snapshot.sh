# Readers see one snapshot: packs cut while collects commit all verify
# (issue 10, item 2).  pack, verify and assess each read the checkpoint, the
# entries, the payloads and the proofs inside one SQLite read transaction.
. "$TESTS/cli/lib.sh"
make_store

# Collects in a loop: each commits a new entry and a new checkpoint.
mkdir -p "$WORK/live"
touch "$WORK/stop"
(
	i=0
	while [ -e "$WORK/stop" ]; do
		i=$((i + 1))
		printf 'note %d\n' "$i" >"$WORK/live/n.txt"
		"$AP" -q --wait 30s collect file --name live "$WORK/live/n.txt" || exit 1
		sleep 0.02
	done
) &
writer=$!
trap 'rm -f "$WORK/stop"; wait "$writer" 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$WORK"' EXIT

vkey=$("$AP" key show | awk '$2 == "active" {print $3}')
bad=0
sizes=""
for n in $(seq 1 40); do
	"$AP" -q pack --framework iso27001 -o "$WORK/p$n.zip" || die "pack $n failed"
	if ! "$AP" -q verify-pack "$WORK/p$n.zip" --vkey "$vkey" 2>"$WORK/err.$n"; then
		bad=$((bad + 1))
		head -n 3 "$WORK/err.$n" >&2
	fi
	sizes="$sizes $(unzip -p "$WORK/p$n.zip" checkpoint | sed -n 2p)"
	# verify and assess, too, while the writer runs
	if [ $((n % 10)) = 0 ]; then
		"$AP" -q verify || die "verify during collects ($n)"
		"$AP" assess --framework iso27001 --json >"$WORK/a.json" || die "assess during collects ($n)"
		python3 - "$WORK/a.json" <<'PY' || die "assess: checkpoint and evidence disagree ($n)"
import json, sys
a = json.load(open(sys.argv[1]))
seen = [i for f in a["frameworks"] for c in f["controls"] for k in c["checks"] for i in k["evidence"]]
assert all(i < a["checkpoint"]["size"] for i in seen), (a["checkpoint"], max(seen))
PY
	fi
done
rm -f "$WORK/stop"
wait "$writer" || die "a collect in the background loop failed"
[ "$bad" = 0 ] || die "$bad of 40 packs cut during collects do not verify"
ok "40 packs cut while collects commit all verify"
set -- $sizes; last=${!#}
[ "$1" -lt "$last" ] || die "the collects did not run during the packs (sizes$sizes)"
ok "the store grew from $1 to $last entries while they were cut"
expect_exit 0 "the store verifies after the race" -- "$AP" verify
echo "$checks checks"

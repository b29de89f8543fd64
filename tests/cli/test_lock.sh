# Two runs at once: the second waits (--wait), then exits 4; readers are
# never blocked.
. "$TESTS/cli/lib.sh"
make_store
command -v flock >/dev/null || die "flock(1) from util-linux is needed"

flock "$AUDITPACK_STORE/lock" sleep 3 &
holder=$!
sleep 0.3
start=$(date +%s)
expect_exit 4 "a second writer gives up after --wait" -- "$AP" --wait 1s collect file "$WORK/docs/doc1.txt"
expect_err "in use by another run \(waited 1 s" "says the store is in use"
expect_exit 0 "list works while a writer holds the lock" -- "$AP" list
expect_exit 0 "verify works while a writer holds the lock" -- "$AP" verify
expect_exit 0 "a writer with a longer --wait gets in after the first" -- "$AP" --wait 30s collect file "$WORK/docs/doc1.txt"
waited=$(( $(date +%s) - start ))
[ "$waited" -ge 2 ] || die "it did not wait (only ${waited}s)"
ok "and it waited for the lock (${waited}s)"
wait "$holder"

# Two real collects racing: both land, one after the other.
"$AP" -q collect file --name race1 "$WORK"/docs/doc* &
a=$!
"$AP" -q collect file --name race2 "$WORK"/docs/doc* &
b=$!
wait "$a" || die "first racer failed"
wait "$b" || die "second racer failed"
[ "$(db "SELECT count(*) FROM entries WHERE source IN ('race1','race2')")" = 12 ] || die "racers lost entries"
ok "two concurrent collects both land"
expect_exit 0 "and the store verifies" -- "$AP" verify
echo "$checks checks"

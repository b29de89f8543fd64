# Compressed rotated generations (issue 10, item 7): a real logrotate with
# compress + delaycompress (Debian's nginx default) and the documented
# access.log* glob, two rotations between collects.  No compressed bytes
# and no raw e-mail reach the store, every line is stored exactly once, the
# store verifies; the same with zstd, xz and bzip2 as compresscmd.
. "$TESTS/cli/lib.sh"
command -v logrotate >/dev/null || die "logrotate is not installed (mk/deps.sh test)"

# logline N: an nginx combined line, e-mails in the user and referer fields,
# its number in the request ("i=N ") so each line can be counted.
write_lines() { # FILE FROM TO
	python3 - "$@" <<'PY'
import sys
path, a, b = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with open(path, "a") as f:
    for i in range(a, b + 1):
        f.write('10.%d.%d.%d - alice.smith%d@bank.example [28/Nov/2026:10:%02d:%02d +0000] '
                '"GET /v1/chat?i=%d HTTP/1.1" 200 %d "https://mail.example/?u=bob.jones%d@corp.example" '
                '"Mozilla/5.0"\n' % (i // 65536, i // 256 % 256, i % 256, i, i // 60 % 60, i % 60,
                                     i, 100 + i, i))
PY
}

# check_store SOURCE N: the source's payloads hold lines 1..N, each once;
# none is compressed; the store directory holds no raw e-mail; it verifies.
check_store() {
	"$AP" list --source "$1" --json >"$WORK/list.json" || die "list"
	python3 - "$AP" "$1" "$2" "$WORK/list.json" <<'PY' || die "$1: payloads"
import json, re, subprocess, sys
ap, src, n, lst = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
seen = {}
for e in json.load(open(lst)):
    p = subprocess.run([ap, "show", str(e["index"]), "--payload"], capture_output=True, check=True).stdout
    for magic in (b"\x1f\x8b", b"\x28\xb5\x2f\xfd", b"\xfd7zXZ", b"BZh"):
        assert not p.startswith(magic), "entry %d is compressed bytes %r" % (e["index"], p[:8])
    a = e["attrs"]
    assert a["malformed"] == 0, (e["index"], a)
    for m in re.finditer(rb"i=(\d+) ", p):
        k = int(m.group(1))
        seen[k] = seen.get(k, 0) + 1
dup = {k: v for k, v in seen.items() if v != 1}
missing = [k for k in range(1, n + 1) if k not in seen]
extra = [k for k in seen if k > n]
assert not dup and not missing and not extra, ("twice", sorted(dup)[:10], "missing", missing[:10], extra[:10])
PY
	if grep -r -a -E -l '(alice\.smith|bob\.jones)[0-9]+@' "$(store_plain)" >"$WORK/grep.out"; then
		cat "$WORK/grep.out"
		die "$1: raw e-mails in the store directory"
	fi
	"$AP" verify >"$WORK/out" 2>&1 || { cat "$WORK/out"; die "$1: verify"; }
}

"$AP" -q init --origin test.example/rotation || die "init"

# rotate_case NAME COMPRESS-LINES: one source over its own log directory.
rotate_case() {
	local name=$1 dir="$WORK/$1" n
	mkdir -p "$dir/log"
	cat >"$dir/lr.conf" <<EOF
$dir/log/access.log {
    rotate 5
    compress
    delaycompress
    missingok
    notifempty
    create 0640
$2
}
EOF
	cat >>"$AUDITPACK_STORE/auditpack.yaml" <<EOF
  - name: $name
    type: access-log
    format: combined
    paths: ["$dir/log/access.log*"]
EOF
	lr() { logrotate -s "$dir/lr.state" -f "$dir/lr.conf" || die "$name: logrotate"; }

	write_lines "$dir/log/access.log" 1 300
	expect_exit 0 "$name: first collect" -- "$AP" collect "$name"
	# An unread tail, then two rotations before the next run: the tail is
	# compressed away into access.log.2.*.
	write_lines "$dir/log/access.log" 301 500
	lr
	write_lines "$dir/log/access.log" 501 700
	lr
	write_lines "$dir/log/access.log" 701 800
	ls "$dir/log" | grep -q '^access\.log\.2\.' || die "$name: logrotate made no compressed generation"
	expect_exit 0 "$name: collect after two rotations" -- "$AP" collect "$name"
	check_store "$name" 800
	ok "$name: the tail compressed away is read decompressed; lines 1..800 each stored once; no compressed bytes, no raw e-mail; verify passes"
	n=$("$AP" list --source "$name" | wc -l)
	expect_exit 0 "$name: a run with nothing new" -- "$AP" collect "$name"
	[ "$("$AP" list --source "$name" | wc -l)" = "$n" ] || die "$name: a compressed generation was read again"
	ok "$name: compressed generations are remembered: nothing read again"
	# Three more rotations (generations shift, .gz renamed, the oldest
	# dropped) with lines in between.
	for k in 0 1 2; do
		write_lines "$dir/log/access.log" $((801 + k * 100)) $((900 + k * 100))
		lr
	done
	expect_exit 0 "$name: collect after three more rotations" -- "$AP" collect "$name"
	check_store "$name" 1100
	ok "$name: after generations shift and expire: lines 1..1100 each once"
}

cat >"$AUDITPACK_STORE/auditpack.yaml" <<EOF
origin: test.example/rotation
sources:
EOF
rotate_case gz ""
"$AP" list --source gz --json | python3 -c '
import json, sys
e = json.load(sys.stdin)
z = [x["attrs"] for x in e if x["attrs"].get("compression") == "gzip"]
assert z and all(a["pii"]["email"] > 0 and a["parsed"] == a["lines"] for a in z), z' ||
	die "gzip entries: compression attr, pii counts"
ok "gz: entries read from a .gz say so (compression: gzip) and count the e-mails scrubbed"
rotate_case zst "    compresscmd /usr/bin/zstd
    compressext .zst"
rotate_case xz "    compresscmd /usr/bin/xz
    compressext .xz"
rotate_case bz2 "    compresscmd /usr/bin/bzip2
    compressext .bz2"

# compress without delaycompress and the path without the glob: the file
# is compressed away at rotation; its unread tail is found in the .gz beside
# it, once.  (Two rotations between runs would lose the generation in
# between: that is what the glob is for.)
mkdir -p "$WORK/nodelay/log"
cat >"$WORK/nodelay/lr.conf" <<EOF
$WORK/nodelay/log/access.log {
    rotate 5
    compress
    create 0640
}
EOF
cat >>"$AUDITPACK_STORE/auditpack.yaml" <<EOF
  - name: nodelay
    type: access-log
    format: combined
    paths: ["$WORK/nodelay/log/access.log"]
EOF
for k in 0 1 2; do
	write_lines "$WORK/nodelay/log/access.log" $((1 + k * 200)) $((100 + k * 200))
	expect_exit 0 "nodelay: collect $k" -- "$AP" collect nodelay
	write_lines "$WORK/nodelay/log/access.log" $((101 + k * 200)) $((200 + k * 200))
	logrotate -s "$WORK/nodelay/lr.state" -f "$WORK/nodelay/lr.conf" || die "nodelay: logrotate"
done
expect_exit 0 "nodelay: last collect" -- "$AP" collect nodelay
check_store nodelay 600
ok "nodelay: tails compressed away outside the paths are read from the .gz, each line once"

# copytruncate + compress: the copy is compressed before the next run; the
# unread tail of the truncated file is read from the .gz.
mkdir -p "$WORK/ct/log"
cat >"$WORK/ct/lr.conf" <<EOF
$WORK/ct/log/access.log {
    rotate 5
    copytruncate
    compress
}
EOF
for k in 0 1 2; do
	write_lines "$WORK/ct/log/access.log" $((1 + k * 200)) $((100 + k * 200))
	expect_exit 0 "copytruncate: collect $k" -- \
		"$AP" collect logs --format combined --name ct "$WORK/ct/log/access.log*"
	write_lines "$WORK/ct/log/access.log" $((101 + k * 200)) $((200 + k * 200))
	logrotate -s "$WORK/ct/lr.state" -f "$WORK/ct/lr.conf" || die "copytruncate: logrotate"
done
expect_exit 0 "copytruncate: last collect" -- \
	"$AP" collect logs --format combined --name ct "$WORK/ct/log/access.log*"
check_store ct 600
ok "copytruncate + compress: each line once"

# Inode numbers are reused at once (ext4): a tracked file deleted, and the
# compressed copy of another tracked file made after, on its inode.  Each
# compressed copy continues its own file's cursor, whichever inode it got.
for order in wx xw; do
	d="$WORK/reuse-$order"
	mkdir -p "$d"
	write_lines "$d/${order:0:1}.log" 1 100
	write_lines "$d/${order:1:1}.log" 101 200
	expect_exit 0 "inode reuse ($order): collect" -- \
		"$AP" collect logs --format combined --name "reuse$order" "$d/*"
	write_lines "$d/w.log" 201 210
	write_lines "$d/x.log" 211 220
	gzip -c "$d/x.log" >"$d/x.log.1.gz"
	cp "$d/w.log" "$WORK/w.saved"
	rm "$d/w.log" "$d/x.log"
	gzip -c "$WORK/w.saved" >"$d/a.log.1.gz"
	expect_exit 0 "inode reuse ($order): collect" -- \
		"$AP" collect logs --format combined --name "reuse$order" "$d/*"
	check_store "reuse$order" 220
done
ok "inode numbers reused by compressed copies: each line once"

# A compressed generation nobody saw before (a new source over old logs) is
# read whole, once; a copy of it under another name is not read again.
mkdir -p "$WORK/old"
write_lines "$WORK/old/app.log.3" 1 50
write_lines "$WORK/old/app.log.2" 51 120
gzip "$WORK/old/app.log.3"
xz "$WORK/old/app.log.2"
expect_exit 0 "a new source over compressed generations" -- \
	"$AP" collect logs --format combined --name old "$WORK/old/app.log*"
check_store old 120
cp "$WORK/old/app.log.3.gz" "$WORK/old/app.log.9.gz"
expect_exit 0 "a copy of a compressed generation" -- \
	"$AP" collect logs --format combined --name old "$WORK/old/app.log*"
check_store old 120
ok "compressed generations of a new source: read once, whole; a copy is not stored twice"

# A compressed generation still being written (cut short) gives its
# complete lines; the rest comes when it is finished.
mkdir -p "$WORK/cut"
write_lines "$WORK/cut/full" 1 400
gzip -c "$WORK/cut/full" >"$WORK/cut/whole.gz"
head -c $(($(stat -c %s "$WORK/cut/whole.gz") / 2)) "$WORK/cut/whole.gz" >"$WORK/cut/web.log.1.gz"
expect_exit 0 "a .gz cut short" -- "$AP" collect logs --format combined --name cut "$WORK/cut/web.log*"
n=$("$AP" list --source cut --json | python3 -c 'import json,sys; print(sum(e["attrs"]["lines"] for e in json.load(sys.stdin)))')
[ "$n" -gt 0 ] && [ "$n" -lt 400 ] || die "cut: $n lines from half a .gz"
cat "$WORK/cut/whole.gz" >"$WORK/cut/web.log.1.gz"
expect_exit 0 "the .gz finished" -- "$AP" collect logs --format combined --name cut "$WORK/cut/web.log*"
check_store cut 400
ok "a .gz still being written: its complete lines now ($n), the rest once finished, none twice"

# A damaged .gz is refused, named, and nothing is stored.
mkdir -p "$WORK/bad"
write_lines "$WORK/bad/in" 1 2000
gzip -c "$WORK/bad/in" >"$WORK/bad/web.log.1.gz"
printf 'XXXXXXXXXXXXXXXX' | dd of="$WORK/bad/web.log.1.gz" bs=1 seek=2000 conv=notrunc 2>/dev/null
before=$("$AP" checkpoint)
expect_exit 3 "a damaged .gz" -- "$AP" collect logs --format combined --name bad "$WORK/bad/web.log*"
expect_err "cannot decompress '.*web\.log\.1\.gz' \(gzip\)" "the damaged .gz is named"
[ "$("$AP" checkpoint)" = "$before" ] || die "a refused run changed the store"
ok "the store is unchanged"

# Keys: permissions, passphrases, strong KDF, rotation (issue 2, "It must show" 5).
. "$TESTS/cli/lib.sh"
printf 'evidence\n' >"$WORK/doc"

# Permissions of a new store.
"$AP" -q init --origin test.example/keys
[ "$(stat -c %a "$AUDITPACK_STORE")" = 700 ] || die "store dir mode"
[ "$(stat -c %a "$AUDITPACK_STORE"/keys/*.key)" = 600 ] || die "key mode"
[ "$(stat -c %a "$AUDITPACK_STORE/evidence.db")" = 600 ] || die "db mode"
ok "store 0700, key and database 0600"
expect_exit 3 "init refuses to overwrite a store" -- "$AP" init --origin test.example/keys
expect_err "already exists" "says a store exists"

# A key readable by the group is refused, as ssh does.
chmod 640 "$AUDITPACK_STORE"/keys/*.key
before=$("$AP" checkpoint)
expect_exit 3 "a group-readable key is refused" -- "$AP" collect file "$WORK/doc"
expect_err "accessible by group or others \(mode 0640\).*chmod 600" "says why and how to fix it"
[ "$("$AP" checkpoint)" = "$before" ] || die "store changed"
ok "and the store is unchanged"
chmod 604 "$AUDITPACK_STORE"/keys/*.key
expect_exit 3 "a world-readable key is refused" -- "$AP" collect file "$WORK/doc"
chmod 600 "$AUDITPACK_STORE"/keys/*.key
expect_exit 0 "a 0600 key signs" -- "$AP" collect file "$WORK/doc"

# Encrypted keys.
rm -rf "$AUDITPACK_STORE"
export AUDITPACK_KEY_PASSPHRASE='correct horse battery staple'
expect_exit 0 "init with a passphrase" -- "$AP" init --origin test.example/keys
expect_out "encrypted" "init says the key is encrypted"
key=$(ls "$AUDITPACK_STORE"/keys/*.key)
grep -q 'BEGIN ENCRYPTED PRIVATE KEY' "$key" || die "key not encrypted"
iter_hex=$(openssl asn1parse -in "$key" | awk '/PBKDF2/ {p=1} p && /INTEGER/ {sub(/.*:/, ""); print; exit}')
iter=$((16#${iter_hex:-0}))
[ "${iter:-0}" -ge 600000 ] || die "PBKDF2 iterations: ${iter:-none}"
ok "PKCS#8 PBES2 with PBKDF2 at $iter iterations"
openssl asn1parse -in "$key" | grep -q hmacWithSHA256 || die "PRF"
ok "PRF hmacWithSHA256"
openssl pkey -in "$key" -passin env:AUDITPACK_KEY_PASSPHRASE -noout || die "openssl cannot open it"
ok "openssl opens the key with the passphrase"
expect_exit 0 "collect with the passphrase" -- "$AP" collect file "$WORK/doc"

AUDITPACK_KEY_PASSPHRASE=wrong expect_exit 3 "a wrong passphrase" -- "$AP" collect file "$WORK/doc"
expect_err "cannot decrypt signing key .*: wrong passphrase" "says the passphrase is wrong"
AUDITPACK_KEY_PASSPHRASE= expect_exit 3 "an empty passphrase" -- "$AP" collect file "$WORK/doc"
expect_err "passphrase is empty" "says the passphrase is empty"
unset AUDITPACK_KEY_PASSPHRASE
expect_exit 3 "no passphrase for an encrypted key" -- "$AP" collect file "$WORK/doc"
expect_err "is encrypted: set AUDITPACK_KEY_PASSPHRASE" "says how to give one"
printf 'correct horse battery staple\n' >"$WORK/pass"
expect_exit 0 "--passphrase-file works" -- "$AP" --passphrase-file "$WORK/pass" collect file "$WORK/doc"
: >"$WORK/empty"
expect_exit 3 "an empty passphrase file" -- "$AP" --passphrase-file "$WORK/empty" collect file "$WORK/doc"
expect_err "passphrase is empty" "says the file's passphrase is empty"
AUDITPACK_KEY_PASSPHRASE= expect_exit 3 "init refuses an empty passphrase" -- "$AP" --store "$WORK/s2" init
[ ! -e "$WORK/s2/evidence.db" ] || die "a store was created"
ok "and creates nothing"
expect_exit 0 "reading needs no passphrase" -- "$AP" verify

# Rotation keeps old checkpoints verifiable.
old=$("$AP" key show | awk '$2 == "active" {print $1}')
"$AP" checkpoint >"$WORK/old.cp"
expect_exit 0 "key rotate" -- "$AP" --passphrase-file "$WORK/pass" key rotate
new=$("$AP" key show | awk '$2 == "active" {print $1}')
[ "$old" != "$new" ] || die "active key unchanged"
"$AP" key show | grep -q "^$old retired" || die "old key not listed as retired"
ok "the old key is kept as retired"
[ ! -e "$AUDITPACK_STORE/keys/$old.key" ] || die "old private key kept"
ok "the old private key is deleted"
expect_exit 0 "collect with the new key" -- "$AP" --passphrase-file "$WORK/pass" collect file "$WORK/doc"
expect_exit 0 "verify after rotation" -- "$AP" verify --against "$WORK/old.cp"
"$AP" key show --json | python3 -c 'import json,sys; k=json.load(sys.stdin); assert len(k)==2 and k[1]["active"] and not k[0]["active"], k' ||
	die "key show --json"
ok "key show --json lists both keys"
echo "$checks checks"

#!/bin/sh
# Install the Debian packages auditpack needs, or say which are missing.
# Usage: mk/deps.sh build|test|demo|fuzz
set -eu

build="gcc make pkg-config libsqlite3-dev libssl-dev libxml2-dev libzip-dev libjansson-dev libyaml-dev libpcre2-dev zlib1g-dev libzstd-dev liblzma-dev libbz2-dev libdeflate-dev"
test="libcmocka-dev openssl python3 sqlite3 libxml2-utils zip unzip chromium logrotate gzip zstd xz-utils bzip2 time groff-base man-db bsdutils util-linux zsh"
demo="openssl sqlite3 unzip"
fuzz="clang libclang-rt-dev"

case "${1:-build}" in
build) want="$build" ;;
test) want="$build $test" ;;
demo) want="$build $demo" ;;
fuzz) want="$build $fuzz" ;;
*) echo "usage: $0 build|test|demo|fuzz" >&2; exit 2 ;;
esac
# The OSCAL JSON schema checks run ajv from npm (mk/ajv.sh).  Debian's npm
# brings its nodejs; a Node.js installed otherwise that has npm is kept.
if [ "${1:-build}" = test ] && ! command -v npm >/dev/null 2>&1; then
	want="$want npm"
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
	# Not Debian: trust the user's own packages; the build says what is missing.
	exit 0
fi

missing=""
for p in $want; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
	exit 0
fi
echo "auditpack needs these Debian packages: sudo apt-get install$missing" >&2
exit 1

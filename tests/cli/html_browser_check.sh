#!/bin/bash
# html_browser_check.sh HTML PNG: open HTML in headless Chromium (Debian's
# `chromium`) with every host name resolving nowhere, write a screenshot to
# PNG, and fail when the page logged anything to the console, made a network
# request, or produced no screenshot.
#
# Exit 0: clean (or "skip: chromium not installed"); 1: the page failed one of
# the checks, the offending lines printed; 2: usage.
#
# How the checks are made:
# - Console: Chromium logs every console message as "INFO:CONSOLE..." with no
#   level, so any CONSOLE line fails (a page without scripts logs only errors:
#   CSP violations, failed loads), as does "Uncaught" or "net::ERR_".
# - Network: Chromium's NetLog (--log-net-log) records each URL request with
#   its initiator.  The browser's own background requests have none ("not an
#   origin"; they go nowhere through --host-resolver-rules); any request with
#   an initiator came from the page and fails.
set -u

if [ $# -ne 2 ]; then
	echo "usage: $0 HTML PNG" >&2
	exit 2
fi
html=$1
png=$2
if ! command -v chromium >/dev/null 2>&1; then
	echo "skip: chromium not installed"
	exit 0
fi
if [ ! -f "$html" ]; then
	echo "html_browser_check: no such file '$html'" >&2
	exit 2
fi
command -v python3 >/dev/null 2>&1 || { echo "html_browser_check: needs python3" >&2; exit 2; }

work=$(mktemp -d /tmp/html-browser-check.XXXXXX)
trap 'rm -rf "$work"' EXIT
url=$(python3 -c 'import pathlib, sys; print(pathlib.Path(sys.argv[1]).resolve().as_uri())' "$html")
mkdir -p "$(dirname "$png")"
png_abs=$(cd "$(dirname "$png")" && pwd)/$(basename "$png")
rm -f "$png_abs"

timeout 180 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
	--disable-background-networking --disable-component-update --disable-sync \
	--enable-logging=stderr --v=0 --host-resolver-rules="MAP * ~NOTFOUND" \
	--log-net-log="$work/netlog.json" --user-data-dir="$work/profile" \
	--screenshot="$png_abs" --window-size=1280,2000 "$url" >"$work/out" 2>"$work/log"
rc=$?
failed=0

if [ "$rc" -ne 0 ]; then
	echo "FAIL chromium exited with status $rc"
	tail -n 20 "$work/log"
	failed=1
fi
if grep -E 'CONSOLE|Uncaught|net::ERR_' "$work/log" >"$work/bad"; then
	echo "FAIL the page logged console errors or failed loads:"
	cat "$work/bad"
	failed=1
fi
if ! python3 - "$work/netlog.json" <<'EOF'
import json, sys

try:
    with open(sys.argv[1]) as f:
        log = json.load(f)
except (OSError, ValueError) as e:
    print("FAIL cannot read the NetLog: %s" % e)
    sys.exit(1)
start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
bad = sorted({e["params"]["url"] for e in log.get("events", [])
              if e.get("type") == start and "url" in e.get("params", {})
              and e["params"].get("initiator", "not an origin") != "not an origin"})
for url in bad:
    print("FAIL the page requested %s" % url)
sys.exit(1 if bad else 0)
EOF
then
	failed=1
fi
if [ ! -s "$png_abs" ]; then
	echo "FAIL no screenshot written to $png_abs"
	failed=1
fi
[ "$failed" -eq 0 ] && echo "ok: $html loads with no network request and no console error; screenshot $png_abs"
exit "$failed"

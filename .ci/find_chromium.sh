#!/bin/sh
# Find the Chromium the browser tests drive, in the order tests/browser/conftest.py looks:
# $CHROMIUM, Debian's /usr/bin/chromium ($DEBIAN_CHROMIUM, for the tests of this script), then chromium, chromium-browser, google-chrome and
# google-chrome-stable on PATH. Prints the path found.
# With --install and none found: installs Debian's chromium (.ci/apt_install.sh: apt-get as root or
# with sudo; without them, says what to install and fails).
find_chromium() {
    if [ -n "$CHROMIUM" ] && [ -x "$CHROMIUM" ]; then echo "$CHROMIUM"; return 0; fi
    if [ -x "${DEBIAN_CHROMIUM:=/usr/bin/chromium}" ]; then echo "$DEBIAN_CHROMIUM"; return 0; fi
    for name in chromium chromium-browser google-chrome google-chrome-stable; do
        if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return 0; fi
    done
    return 1
}

find_chromium && exit 0
if [ "$1" != "--install" ]; then
    echo "error: no Chromium found (looked at \$CHROMIUM, /usr/bin/chromium, and chromium," \
        "chromium-browser, google-chrome on PATH); run: make chromium" >&2
    exit 1
fi
WHAT="install Chromium or Google Chrome yourself (Debian: apt-get install chromium; Ubuntu:"
WHAT="$WHAT apt-get install chromium-browser), or set CHROMIUM=/path/to/chrome; or skip the"
WHAT="$WHAT browser tests: .venv/bin/python -m pytest -m \"not browser\""
. "${0%/*}/apt_install.sh"
apt_install chromium "$WHAT" || exit 1
find_chromium

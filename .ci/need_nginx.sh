#!/bin/sh
# nginx for `make serve` and its test: found on PATH or at /usr/sbin/nginx, else Debian's
# package installed with apt-get (as root, or with sudo); otherwise says what to install and fails.
if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then exit 0; fi
WHAT="install nginx (Debian/Ubuntu: apt-get install nginx; any nginx >= 1.18 with its stock modules)"
if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: no nginx found, and no apt-get to install it: $WHAT" >&2
    exit 1
fi
if [ "$(id -u)" = 0 ]; then
    SUDO=
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=sudo
else
    echo "error: no nginx found; installing it needs root (or sudo without a password): $WHAT" >&2
    exit 1
fi
echo "installing Debian's nginx with apt-get (about 20 s)"
$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nginx || {
    echo "error: apt-get could not install nginx: $WHAT" >&2
    exit 1
}

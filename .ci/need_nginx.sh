#!/bin/sh
# nginx for `make serve` and its test: found on PATH or at /usr/sbin/nginx, else Debian's
# package installed with apt-get (as root, or with sudo); otherwise says what to install and fails.
if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then exit 0; fi
WHAT="install nginx (Debian/Ubuntu: apt-get install nginx; any nginx >= 1.18 with its stock modules)"
. "${0%/*}/apt_install.sh"
apt_install nginx "$WHAT"

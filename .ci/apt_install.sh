#!/bin/sh
# apt_install PACKAGE "what to do instead": install one Debian package with apt-get, as root or
# with sudo (no password); without apt-get or the rights to use it, say what to install and fail.
# Sourced by find_chromium.sh and need_nginx.sh (`. "${0%/*}/apt_install.sh"`).
apt_install() {
    PACKAGE="$1"
    WHAT="$2"
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "error: no $PACKAGE found, and no apt-get to install one: $WHAT" >&2
        return 1
    fi
    if [ "$(id -u)" = 0 ]; then
        SUDO=
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO=sudo
    else
        echo "error: no $PACKAGE found; installing Debian's $PACKAGE needs root" \
            "(or sudo without a password): sudo apt-get install $PACKAGE; or $WHAT" >&2
        return 1
    fi
    echo "installing Debian's $PACKAGE with apt-get" >&2
    $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$PACKAGE" >&2 || {
        echo "error: apt-get could not install $PACKAGE: $WHAT" >&2
        return 1
    }
}

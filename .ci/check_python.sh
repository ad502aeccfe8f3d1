#!/bin/sh
# Called by the Makefile before anything is installed: is PYTHON a Python >= 3.11 with its venv
# module, and was VENV made by that same interpreter? A .venv made by another one (say a first
# try with 3.10) is removed, so that the Makefile builds it afresh.
#   usage: sh .ci/check_python.sh PYTHON VENV
# Writes VENV/.python (the interpreter's identity), which the Makefile's install steps depend on.
PYTHON=${1:-python3}
VENV=${2:-.venv}
PICK="pick another with, for example: make run PYTHON=python3.12 (or make test PYTHON=/usr/bin/python3.11)"

if ! command -v "$PYTHON" >/dev/null 2>&1; then
    echo "error: no Python found as '$PYTHON'. Backprop Lab needs Python >= 3.11; $PICK" >&2
    exit 1
fi
version=$("$PYTHON" -c 'import sys; print(*sys.version_info[:3], sep=".")' 2>/dev/null)
major=${version%%.*}
rest=${version#*.}
minor=${rest%%.*}
case "$major.$minor" in
    *[!0-9.]* | . | *.) major=0 minor=0 ;;
esac
where=$(command -v "$PYTHON")
if [ "$major" -lt 3 ] || { [ "$major" -eq 3 ] && [ "$minor" -lt 11 ]; }; then
    echo "error: '$PYTHON' ($where) is Python ${version:-of unknown version}; Backprop Lab needs Python >= 3.11." >&2
    echo "       Install one (Debian/Ubuntu: apt-get install python3 python3-venv) or $PICK" >&2
    exit 1
fi
if ! "$PYTHON" -c 'import venv, ensurepip' >/dev/null 2>&1; then
    echo "error: Python $version ($where) has no working venv module (Debian and Ubuntu ship it apart:" >&2
    echo "       apt-get install python$major.$minor-venv), or $PICK" >&2
    exit 1
fi

IDENTITY='import sys; print(sys.version.replace("\n", " "), sys.base_prefix)'
wanted=$("$PYTHON" -c "$IDENTITY")
if [ -e "$VENV" ]; then
    have=$("$VENV/bin/python" -c "$IDENTITY" 2>/dev/null || echo "a missing or broken interpreter")
    if [ "$have" != "$wanted" ]; then
        echo "$VENV was made by $have; rebuilding it with Python $version ($where)"
        rm -rf "$VENV"
    fi
fi
echo "using Python $version ($where); $PICK"
mkdir -p "$VENV"
[ "$(cat "$VENV/.python" 2>/dev/null)" = "$wanted" ] || printf '%s\n' "$wanted" >"$VENV/.python"

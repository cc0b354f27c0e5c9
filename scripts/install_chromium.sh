#!/usr/bin/env bash
# Debian's Chromium for the browser tests (tests/browser/): Playwright drives /usr/bin/chromium and
# never downloads a browser of its own. Quiet and a no-op when Chromium is already there.
# Where apt is not available (or we are not root) it says so and exits 0: the browser tests then
# skip with that reason. On a developer's machine and on CI (Debian, root) it installs.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install_chromium: apt-get is not available, so $CHROMIUM cannot be installed here; the browser tests (tests/browser/) will be skipped." >&2
    exit 0
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO=(sudo -n)
    else
        echo "install_chromium: not root and no password-less sudo, so $CHROMIUM cannot be installed; the browser tests (tests/browser/) will be skipped. Install it with: apt-get install -y chromium" >&2
        exit 0
    fi
fi

echo "install_chromium: $CHROMIUM is missing; installing Debian's chromium package (apt-get)..."
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq chromium >/dev/null
if [ ! -x "$CHROMIUM" ]; then
    echo "install_chromium: apt-get finished but $CHROMIUM is still missing" >&2
    exit 1
fi
echo "install_chromium: installed $("$CHROMIUM" --version 2>/dev/null || echo chromium)"

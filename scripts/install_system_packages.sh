#!/usr/bin/env bash
# Debian packages the tests need, installed where missing (quiet and a no-op when all are there):
#   chromium                          the browser tests (tests/browser/): Playwright drives
#                                     /usr/bin/chromium and never downloads a browser of its own;
#   libpango-1.0-0 libpangoft2-1.0-0  WeasyPrint, for PDF case notes;
#   fonts-dejavu-core                 a font for those PDFs.
# Where apt is not available (or we are not root) it says so and exits 0: the tests that need a
# missing package then skip with that reason. On a developer's machine and on CI (Debian, root) it installs.
set -euo pipefail

PACKAGES=(chromium libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core)
missing=()
for package in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install_system_packages: apt-get is not available, so ${missing[*]} cannot be installed here; tests that need them will be skipped." >&2
    exit 0
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO=(sudo -n)
    else
        echo "install_system_packages: not root and no password-less sudo; install with: apt-get install -y ${missing[*]}" >&2
        exit 0
    fi
fi

echo "install_system_packages: installing ${missing[*]} (apt-get)..."
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
echo "install_system_packages: done"

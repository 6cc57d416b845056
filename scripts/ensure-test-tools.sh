#!/usr/bin/env bash
# The test suite drives Debian's Chromium (Playwright must not download its own browser here) and
# checks the translation catalogues with gettext's tools. Install both when they are missing and we
# may; otherwise say exactly what to do.
set -euo pipefail

missing=()
command -v "${CHROMIUM_PATH:-/usr/bin/chromium}" >/dev/null 2>&1 || missing+=(chromium)
command -v xgettext >/dev/null 2>&1 || missing+=(gettext)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing ${missing[*]} from Debian's packages for the tests..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
  exit 0
fi

echo "The tests need these Debian packages: ${missing[*]}." >&2
echo "Install them with: sudo apt-get install ${missing[*]}" >&2
echo "(or point CHROMIUM_PATH at an existing Chromium binary)." >&2
exit 1

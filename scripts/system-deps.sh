#!/usr/bin/env bash
# Installs the Debian packages the test suite needs: Hearth's run-time packages
# (scripts/runtime-packages.txt: Pango, HarfBuzz's subset library, fonts), plus
# Chromium for the browser tests and poppler-utils to read PDFs back. Run as root
# it installs what is missing; otherwise it says what to install and fails.
set -eu
cd "$(dirname "$0")/.."
test_only="chromium poppler-utils"
packages="$test_only $(sed -e 's/#.*//' scripts/runtime-packages.txt | tr -s ' \t\n' ' ')"
missing=""
for package in $packages; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing="$missing $package"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "Missing Debian packages:$missing. Install them with: sudo apt-get install$missing" >&2
  exit 1
fi
echo "Installing Debian packages:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing

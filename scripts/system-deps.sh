#!/usr/bin/env bash
# Installs the Debian packages the test suite needs (Chromium for the browser
# tests, poppler-utils to read PDFs back, HarfBuzz's subset library so
# WeasyPrint subsets fonts quickly, fonts to embed: DejaVu, and Noto for the scripts
# and emoji in staff names on certificates). Run as root it installs
# what is missing; otherwise it says what to install and fails.
set -eu
packages="chromium poppler-utils libharfbuzz-subset0 fonts-dejavu-core fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji libpango-1.0-0 libpangoft2-1.0-0"
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

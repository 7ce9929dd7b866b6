#!/usr/bin/env bash
# Hearth's build steps, shared by the Dockerfile and CI's production rehearsal
# (scripts/rehearse-production.sh), so both build the same thing.
#
#   scripts/build.sh system-packages [--clean-apt-lists]
#       Install the Debian run-time packages listed in scripts/runtime-packages.txt
#       (only those missing). Needs root to install; otherwise it names what is missing
#       and fails. --clean-apt-lists empties apt's lists afterwards (the image does).
#   scripts/build.sh python PYTHON
#       pip install the project's run-time dependencies, pinned by constraints.txt, into
#       that interpreter (the image's system python, or CI's fresh venv).
#   scripts/build.sh static PYTHON
#       collectstatic under config.settings.production into $HEARTH_VAR_DIR/static
#       (default var/static).
#   scripts/build.sh all PYTHON
#       All three, in that order.
set -euo pipefail
cd "$(dirname "$0")/.."

# Build-time placeholders, NOT used at run time: production settings refuse to load
# without a SECRET_KEY and a CACHE_URL, but collectstatic never signs anything nor
# touches the cache. The running containers get the real values from their environment.
BUILD_ONLY_SECRET_KEY="build-time-placeholder-not-used-at-run-time-0123456789abcdef"
BUILD_ONLY_CACHE_URL="redis://build-time-placeholder.invalid:6379/0"

say() { printf '[build] %s\n' "$*"; }

runtime_packages() {
  sed -e 's/#.*//' scripts/runtime-packages.txt | tr -s ' \t' '\n' | sed '/^$/d'
}

system_packages() {
  local clean=${1:-} missing=() package
  while read -r package; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$package")
  done < <(runtime_packages)
  if [ ${#missing[@]} -eq 0 ]; then
    say "Debian run-time packages present: $(runtime_packages | tr '\n' ' ')"
  elif [ "$(id -u)" != 0 ]; then
    echo "Missing Debian packages: ${missing[*]}. Install them with: sudo apt-get install ${missing[*]}" >&2
    exit 1
  else
    say "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
  if [ "$clean" = "--clean-apt-lists" ]; then
    rm -rf /var/lib/apt/lists/*
  fi
}

python_packages() {
  local python=${1:?usage: scripts/build.sh python PYTHON}
  say "pip install -c constraints.txt . into $("$python" -c 'import sys; print(sys.prefix)')"
  # (The filter drops only a warning some pip configurations print for every package.)
  "$python" -m pip install --quiet --disable-pip-version-check -c constraints.txt . 2>&1 \
    | { grep -v "is ignored: it is neither a file nor a directory" || true; }
}

static_files() {
  local python=${1:?usage: scripts/build.sh static PYTHON}
  say "collectstatic under config.settings.production (build-time placeholder secrets)"
  DJANGO_SETTINGS_MODULE=config.settings.production \
    SECRET_KEY="$BUILD_ONLY_SECRET_KEY" CACHE_URL="$BUILD_ONLY_CACHE_URL" \
    "$python" backend/manage.py collectstatic --noinput --verbosity 1
}

step=${1:-}
shift || true
case "$step" in
  system-packages) system_packages "$@" ;;
  python) python_packages "$@" ;;
  static) static_files "$@" ;;
  all)
    system_packages
    python_packages "$@"
    static_files "$@"
    ;;
  *)
    sed -n '2,18p' "$0" >&2
    exit 2
    ;;
esac

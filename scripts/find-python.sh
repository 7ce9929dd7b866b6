#!/usr/bin/env bash
# Prints the path of a Python 3.12+ interpreter, or fails with a clear message.
# Order: $PYTHON, the pyenv version .python-version names, python3.13, python3.12, python3.
set -u
ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }
candidates=()
[ -n "${PYTHON:-}" ] && candidates+=("$PYTHON")
if [ -f .python-version ] && [ -d "${PYENV_ROOT:-$HOME/.pyenv}/versions" ]; then
  candidates+=("${PYENV_ROOT:-$HOME/.pyenv}/versions/$(cat .python-version)/bin/python")
fi
for name in python3.13 python3.12 python3; do
  path=$(command -v "$name" 2>/dev/null) && candidates+=("$path")
done
for dir in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[2-9]*; do
  [ -x "$dir/bin/python" ] && candidates+=("$dir/bin/python")
done
for candidate in "${candidates[@]}"; do
  if ok "$candidate"; then echo "$candidate"; exit 0; fi
done
echo "Hearth needs Python 3.12 or newer; none found. Install one or set PYTHON=/path/to/python3.12." >&2
exit 1

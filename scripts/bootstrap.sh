# Sourced by scripts/sample.sh and scripts/test.sh: makes this checkout ready to run.
#
# 1. Debian packages WeasyPrint needs (Pango, HarfBuzz subsetting, fontconfig), a
#    fallback font for Chinese/Japanese/Korean names, and poppler-utils for the
#    tests' second PDF reader. Installed with apt-get when missing (as root or
#    with passwordless sudo); otherwise the script says what to install.
# 2. A virtual environment in .venv with takehome and its test tools, reinstalled
#    only when pyproject.toml changes.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
DEBIAN_PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig fonts-droid-fallback poppler-utils)

say() { printf 'takehome setup: %s\n' "$*" >&2; }

install_debian_packages() {
  command -v dpkg-query >/dev/null 2>&1 || {
    say "not a Debian-like system: install Pango >= 1.44 and HarfBuzz (with hb-subset) yourself (see WeasyPrint's install docs)"
    return 0
  }
  local missing=()
  for pkg in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo="sudo"
    else
      say "missing Debian packages: ${missing[*]}"
      say "run: sudo apt-get install ${missing[*]}   and then this command again"
      exit 1
    fi
  fi
  say "installing Debian packages: ${missing[*]}"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

make_venv() {
  local python="${PYTHON:-python3}"
  "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
    say "takehome needs Python 3.11 or newer; set PYTHON=/path/to/python3.11"
    exit 1
  }
  [ -x "$VENV/bin/python" ] || { say "creating $VENV"; "$python" -m venv "$VENV"; }
  local stamp="$VENV/.takehome-installed"
  local want
  want="$(cat "$ROOT/pyproject.toml" | sha256sum | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    say "installing takehome and its test tools into $VENV"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e "$ROOT[test]"
    echo "$want" > "$stamp"
  fi
}

install_debian_packages
make_venv

#!/usr/bin/env bash
# Installs everything the tests need, system packages too, then runs the whole suite:
# lint (ruff), types (mypy), layers (import-linter) and pytest (unit, UI, and lab tests).
# Usage: bash tests/run-all.sh [pytest args...]   (as root for the lab tests)
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages the lab needs: command -> Debian package. Chromium: the browser test of
# `kaconsole serve` (headless, driven over the DevTools protocol; no driver binary needed).
declare -A wanted=(
  [keepalived]=keepalived [nginx]=nginx-light [sshd]=openssh-server [ssh-keygen]=openssh-client
  [tcpdump]=tcpdump [nft]=nftables [ip]=iproute2 [pgrep]=procps [nsenter]=util-linux [tmux]=tmux
  [arping]=iputils-arping [chromium]=chromium
)
missing=()
for cmd in "${!wanted[@]}"; do
  PATH="$PATH:/usr/sbin:/sbin" command -v "$cmd" >/dev/null 2>&1 || missing+=("${wanted[$cmd]}")
done
if ((${#missing[@]})); then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    echo "installing: ${missing[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "warning: missing ${missing[*]}: lab tests will skip (run as root on Debian to install)" >&2
  fi
fi
PY=${PYTHON:-python3}
if [[ ! -x .venv/bin/python ]]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e '.[test]'

export PATH="$PWD/.venv/bin:$PATH:/usr/sbin:/sbin"
# The version-matrix lab tests run keepalived 2.3.3 beside the distribution's (built once, cached).
if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
  echo "== keepalived 2.3.3 for the lab" && kaconsole lab build 2.3.3
fi
echo "== ruff" && ruff check .
echo "== mypy" && mypy
echo "== import-linter" && lint-imports
echo "== pytest" && pytest "$@"

#!/usr/bin/env bash
# One command for the whole benchmark suite on a fresh Debian/Ubuntu machine: the same
# virtualenv and system tools as scripts/test.sh, then python -m bench.run "$@".
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
for tool in tmux curl; do command -v "$tool" >/dev/null || need+=("$tool"); done
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || need+=(postgresql)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'
exec .venv/bin/python -m bench.run "$@"

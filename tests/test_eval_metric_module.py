"""The local `evaluate` module loads by path with HF_EVALUATE_OFFLINE=1 and equals tag_scores."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from eval import METRIC_PATH
from eval.metrics import tag_scores

REPO = Path(__file__).resolve().parent.parent

REFERENCES = [["B-GOV", "I-GOV", "O", "B-MIL"], ["O", "I-REB", "I-REB"]]
PREDICTIONS = [["B-GOV", "I-GOV", "O", "B-REB"], ["O", "B-REB", "I-REB"]]

SCRIPT = """
import json, sys
import evaluate
from evaluate import config
assert config.HF_EVALUATE_OFFLINE, "offline mode is not on"
refs, preds = json.loads(sys.argv[1]), json.loads(sys.argv[2])
by_relative = evaluate.load("eval/actorstance_metric")
by_absolute = evaluate.load(sys.argv[3])
print(json.dumps([by_relative.compute(predictions=preds, references=refs),
                  by_absolute.compute(predictions=preds, references=refs)]))
"""


def test_metric_loads_offline_by_relative_and_absolute_path(tmp_path):
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "HF_DATASETS_OFFLINE": "1",
        "HF_EVALUATE_OFFLINE": "1",
        "HF_HOME": str(tmp_path / "hf"),
        "HF_MODULES_CACHE": str(tmp_path / "modules"),
    }
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(REFERENCES), json.dumps(PREDICTIONS), str(METRIC_PATH)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    relative, absolute = json.loads(done.stdout.strip().splitlines()[-1])
    expected = tag_scores(REFERENCES, PREDICTIONS)
    assert relative == expected and absolute == expected
    assert expected["f1"] == 2 / 3 and expected["f1_GOV"] == 1.0  # a stray I-REB starts a span (seqeval default)

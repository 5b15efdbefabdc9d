"""The real packaged MiniLM, end to end: train on the bundled corpus, evaluate the run, predict the seed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from actorstance.config import load_config
from actorstance.predictor import Predictor
from eval.report import format_ci, format_number
from train import train

REPO = Path(__file__).resolve().parent.parent
SEED_TEXT = REPO / "seeds" / "000_5d92d8553a383cf3.txt"


@pytest.mark.slow
def test_train_evaluate_predict_with_the_packaged_encoder(tmp_path):
    config = load_config(
        REPO / "configs" / "default.yaml",
        [f"data.paths=[{REPO / 'data' / 'corpus'}]", f"output_dir={tmp_path}", "name=e2e", "training.max_steps=240",
         "training.eval_every_steps=120", "training.early_stopping.patience=null", "stance.negative_ratio=0.5"],
    )  # fmt: skip
    run = train(config)
    metrics = json.loads((run / "metrics.json").read_text())
    assert metrics["runs"]["roles-stance"]["global_step"] == 240
    assert metrics["validation"]["role_f1"] > 0.1, metrics["validation"]  # an untrained tagger scores ~0

    done = subprocess.run(
        [sys.executable, "-m", "eval", str(run), "--split", "test", "--bootstrap", "50"],
        cwd=REPO, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    report_dir = run / "eval" / "test"
    assert {"metrics.json", "report.md", "report.html"} <= {p.name for p in report_dir.iterdir()}
    evaluation = json.loads((report_dir / "metrics.json").read_text())
    # the harness's own tests check its arithmetic; here: it scored this run on its whole test split
    assert evaluation["articles"] == metrics["data"]["test"] > 0
    assert evaluation["tasks"] == ["roles", "stance"] and evaluation["notes"] == []
    assert evaluation["run"]["name"] == "e2e"
    report = (report_dir / "report.md").read_text()
    for name, entry in evaluation["headline"].items():
        assert 0.0 <= entry["ci_low"] <= entry["value"] <= entry["ci_high"] <= 1.0, (name, entry)
        assert f"| {name} | {format_number(entry['value'])} | {format_ci(entry)} |" in report
    assert evaluation["headline"]["mention_strict_f1"]["value"] > 0.05  # an untrained tagger scores ~0
    assert evaluation["gold_mentions"]["stances"]["pairs"] > 0 and evaluation["end_to_end"]["mentions"]["strict"]["actual"] > 0

    text = SEED_TEXT.read_text(encoding="utf-8")
    predictor = Predictor.from_pretrained(run)
    article = predictor.predict(text)
    assert article.mentions, "a trained tagger finds actors in the seed article"
    for mention in article.mentions:
        assert text[mention.start : mention.end] == mention.text  # offsets into the original, cased text
    surfaces = {m.text for m in article.mentions}
    assert surfaces & {"Jordanian", "Iran", "Amman", "Tehran", "Russia", "Moscow", "Daesh"}
    again = Predictor.from_pretrained(run).predict(text)
    assert again == article  # loading the run again gives identical predictions

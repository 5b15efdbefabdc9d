"""`scripts/stance_swap.py`: stance models scored on the actors of one run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from eval.runner import evaluate_run

from .test_docs import _script


def _headline(where: Path) -> dict[str, float]:
    return {name: entry["value"] for name, entry in json.loads((where / "metrics.json").read_text())["headline"].items()}


def test_a_stance_model_on_its_own_runs_actors_scores_as_the_harness_scores_that_run(run_dir, small_corpus_file, tmp_path):
    script = _script("stance_swap")
    every_pair = shutil.copytree(run_dir, tmp_path / "every-pair")  # the same models, a decision keeping every scored pair
    decision = json.loads((every_pair / "decision.json").read_text())
    (every_pair / "decision.json").write_text(json.dumps(decision | {"threshold": 0.0}))
    output = tmp_path / "swap.json"
    assert script.main([str(run_dir), "--stance", str(run_dir), str(every_pair), "--split", "test", "--bootstrap", "0", "--output", str(output)]) == 0
    result = json.loads(output.read_text())
    assert (result["split"], result["articles"], [r["run"] for r in result["stance_runs"]]) == ("test", 2, [str(run_dir), str(every_pair)])
    for swapped, run in zip(result["stance_runs"], (run_dir, every_pair)):
        own = _headline(evaluate_run(run, data=small_corpus_file, split="test", output=tmp_path / run.name, n_bootstrap=0))
        assert {name: entry["value"] for name, entry in swapped["headline"].items()} == {name: own[name] for name in script.HEADLINE}
    first, second = (r["headline"]["e2e_stance_f1"]["value"] for r in result["stance_runs"])
    assert first != second  # the stance run's own decision decides, not the actors run's
    assert result["stance_runs"][0]["encoder"] and result["stance_runs"][0]["tasks"] == ["roles", "stance"]

"""Run evaluation, report files, the score/run/compare commands, on the tiny fixture corpus."""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from actorstance.corpus import load_corpus, write_corpus
from actorstance.labels import LabelSchema
from eval import cli, runner
from eval.compare import compare_paths
from eval.runner import EVAL_FILES, evaluate_run, load_evaluation
from tests.test_eval_helpers import TINY, FakePredictor

LABELS = LabelSchema.default()
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def tiny():
    return load_corpus(TINY, LABELS)


def _run_dir(path: Path, train_time: float, parameters: int) -> Path:
    path.mkdir(parents=True)
    (path / "metrics.json").write_text(json.dumps({"train_time_s": train_time, "model": {"num_parameters": parameters}}))
    return path


def test_evaluate_run_writes_every_output_with_intervals_and_plots(tmp_path, tiny):
    predictor = FakePredictor(tiny, LABELS)
    run = _run_dir(tmp_path / "run-a", 12.5, 1000)
    where = evaluate_run(run, split="test", data=TINY, n_bootstrap=50, seed=1, predictor=predictor)
    assert where == run / "eval" / "tiny-test"
    assert predictor.calls == [False, True]
    for name in EVAL_FILES:
        assert (where / name).is_file(), name
    metrics = json.loads((where / "metrics.json").read_text())
    assert metrics["run"]["train_time_s"] == 12.5 and metrics["run"]["num_parameters"] == 1000
    assert metrics["data"]["articles"] == 2 and metrics["bootstrap"] == {"resamples": 50, "seed": 1, "level": 0.95, "unit": "article"}
    for entry in metrics["headline"].values():
        assert entry["ci_low"] <= entry["value"] <= entry["ci_high"]
    # fake: the first test article's GOV actors become MIL end to end: 3 of 8 spans get a wrong role
    assert metrics["end_to_end"]["mentions"]["strict"]["COR"] == 5 and metrics["end_to_end"]["mentions"]["exact"]["COR"] == 8
    # with gold mentions the first stance of each article is reversed: 2 of 5 gold edges lost, 2 spurious;
    # each article's 3 actors are all mentioned within a sentence of each other, so its 6 ordered pairs are
    # candidates: 3 + 3 of them have no edge on either side (correct NONEs); 7 + 6 pairs in all
    stances = metrics["gold_mentions"]["stances"]
    assert stances["confusion"][0] == [6, 1, 1, 0] and stances["pairs"] == 13
    html = (where / "report.html").read_text()
    assert html.count("<svg") >= 5 and "<mark class=" in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), "the report must not load anything"
    assert "[0." in (where / "report.md").read_text() or "[1." in (where / "report.md").read_text()
    errors = metrics["errors"]["stances"]
    assert errors["false_positive_count"] == 2 and errors["false_positives"][0]["sentence"]
    evaluation = load_evaluation(where)
    assert [a.id for a in evaluation.gold] == ["test-1", "test-2"] and evaluation.gold_mentions is not None


def test_python_m_eval_run_dir_uses_the_predictor_interface(tmp_path, tiny, monkeypatch):
    run = _run_dir(tmp_path / "run", 1.0, 10)
    loaded = []

    def fake_loader(path, overrides=()):
        loaded.append(Path(path))
        return FakePredictor(tiny, LABELS)

    monkeypatch.setattr(runner, "load_predictor", fake_loader)
    with pytest.raises(SystemExit) as exit_info:
        cli.main([str(run), "--data", str(TINY), "--split", "test", "--bootstrap", "20", "--output", str(tmp_path / "out")])
    assert exit_info.value.code in (0, None)
    assert loaded == [run] and (tmp_path / "out" / "report.html").is_file()


def test_missing_split_and_bad_run_are_errors_with_exit_code_1(tmp_path, tiny, monkeypatch):
    monkeypatch.setattr(runner, "load_predictor", lambda path, overrides=(): FakePredictor(tiny, LABELS))
    result = CliRunner().invoke(cli.app, ["run", str(tmp_path), "--data", str(TINY), "--split", "validation"])
    assert result.exit_code == 1 and "no article with split 'validation'" in result.output


def _predictions(tiny, path: Path) -> Path:
    test = [a for a in tiny if a.split == "test"]
    predicted = [a.model_copy(update={"split": None}) for a in test]
    predicted[1] = predicted[1].model_copy(update={"stances": predicted[1].stances[:1]})  # the NEUTRAL edge is missed
    write_corpus(predicted, path)
    gold = path.parent / "gold.jsonl"
    write_corpus(test, gold)
    return gold


def test_score_command_json_in_a_subprocess(tmp_path, tiny):
    pred = tmp_path / "pred.jsonl"
    gold = _predictions(tiny, pred)
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "HF_EVALUATE_OFFLINE": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "eval", "score", str(gold), str(pred), "--json", "--bootstrap", "20"],
        cwd=REPO, capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    metrics = json.loads(done.stdout)
    assert metrics["headline"]["mention_strict_f1"]["value"] == 1.0
    edges = metrics["end_to_end"]["stances"]
    assert (edges["correct"], edges["predicted"], edges["gold"]) == (4, 4, 5)
    assert metrics["gold_mentions"]["stances"]["per_label"]["NEUTRAL"]["recall"] == 0.0


def test_score_command_table_output_and_errors(tmp_path, tiny):
    pred = tmp_path / "pred.jsonl"
    gold = _predictions(tiny, pred)
    runner_ = CliRunner()
    result = runner_.invoke(cli.app, ["score", str(gold), str(pred), "--bootstrap", "10", "--output", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "mention_strict_f1" in result.output and (tmp_path / "out" / "report.html").is_file()
    result = runner_.invoke(cli.app, ["score", str(gold), str(TINY), "--bootstrap", "0"])
    assert result.exit_code == 1 and "train-1" in result.output  # extra articles are named


def test_compare_two_runs_evaluates_the_unevaluated_one(tmp_path, tiny, monkeypatch):
    run_a = _run_dir(tmp_path / "run-a", 30.0, 5000)
    run_b = _run_dir(tmp_path / "run-b", 10.0, 9000)
    evaluate_run(run_a, split="test", data=TINY, n_bootstrap=30, predictor=FakePredictor(tiny, LABELS, variant=0))
    monkeypatch.setattr(runner, "load_predictor", lambda path, overrides=(): FakePredictor(tiny, LABELS, variant=1))
    result, where = compare_paths([run_a, run_b], tmp_path / "cmp", split="test", data=TINY, n_bootstrap=40, seed=0)
    assert (run_b / "eval" / "tiny-test" / "metrics.json").is_file()  # evaluated first
    for name in ("comparison.md", "comparison.csv", "comparison.html", "comparison.json"):
        assert (where / name).is_file()
    rows = {row["run"]: row for row in result["rows"]}
    assert set(rows) == {"run-a", "run-b"}
    assert result["best"]["train_time_s"] == "run-b" and result["best"]["num_parameters"] == "run-a"
    best = result["best"]["e2e_stance_f1"]
    assert best == "run-a"  # variant 1 drops a stance end to end
    assert rows["run-a"]["e2e_stance_f1_p_vs_best"] is None and 0 < rows["run-b"]["e2e_stance_f1_p_vs_best"] <= 1
    with (where / "comparison.csv").open() as handle:
        table = list(csv.DictReader(handle))
    assert [row["run"] for row in table] == ["run-a", "run-b"] and "e2e_stance_f1_ci_low" in table[0]
    assert "★" in (where / "comparison.html").read_text() and "**" in (where / "comparison.md").read_text()
    # where each run's end-to-end stance errors come from: run-b's two missing edges were proposed but not kept
    assert result["edge_analysis"]["run-b"]["gold_edges"]["below threshold"] == 2
    markdown = (where / "comparison.md").read_text()
    assert "| gold edge: right | 5 | 3 |" in markdown and "| gold edge: below threshold | 0 | 2 |" in markdown
    assert '<th scope="row">predicted edge: right</th><td>5</td><td>3</td>' in (where / "comparison.html").read_text()
    cli_result = CliRunner().invoke(cli.app, ["compare", str(run_a / "eval" / "tiny-test"), str(run_b / "eval" / "tiny-test"),
                                              "--output", str(tmp_path / "cmp2"), "--bootstrap", "20"])  # fmt: skip
    assert cli_result.exit_code == 0, cli_result.output
    assert "run-a" in cli_result.output


def test_a_stance_only_run_is_not_scored_on_the_roles_it_copies(tmp_path, tiny):
    both = evaluate_run(_run_dir(tmp_path / "both", 1.0, 10), split="test", data=TINY, n_bootstrap=20,
                        predictor=FakePredictor(tiny, LABELS, variant=1))  # fmt: skip
    stance_only = evaluate_run(_run_dir(tmp_path / "stance-only", 1.0, 10), split="test", data=TINY, n_bootstrap=20,
                               predictor=FakePredictor(tiny, LABELS, tasks=("stance",)))  # fmt: skip
    metrics = json.loads((stance_only / "metrics.json").read_text())
    assert metrics["tasks"] == ["stance"]
    assert "this predictor does not do roles: its roles numbers are not reported" in metrics["notes"]
    headline = metrics["headline"]
    for name in ("mention_strict_f1", "actor_f1", "actor_role_accuracy", "e2e_stance_f1"):
        assert (headline[name]["value"], headline[name]["ci_low"]) == (None, None), name
    assert headline["stance_macro_f1"]["value"] is not None
    assert set(metrics["by_length"][0]) >= {"stance_macro_f1"} and "actor_role_accuracy" not in metrics["by_length"][0]
    assert "| actor_role_accuracy | – | – |" in (stance_only / "report.md").read_text()

    result, _ = compare_paths([both, stance_only], tmp_path / "cmp", n_bootstrap=20)
    rows = {row["run"]: row for row in result["rows"]}
    assert result["best"]["actor_role_accuracy"] == "both"  # the copied gold roles (accuracy 1.0) do not win
    assert rows["stance-only"]["actor_role_accuracy"] is None
    assert rows["stance-only"]["actor_role_accuracy_p_vs_best"] is None


class _EchoPredictor:
    """Returns its inputs; records how many articles each call got."""

    labels = LABELS
    tasks = ("roles", "stance")

    def __init__(self):
        self.calls: list[tuple[int, bool]] = []

    def predict_articles(self, articles, *, gold_mentions=False):
        self.calls.append((len(articles), gold_mentions))
        return [article.model_copy(deep=True) for article in articles]


def test_predictions_are_made_in_chunks_that_report_progress(tiny):
    articles = [tiny[0].model_copy(update={"id": f"a{number}"}) for number in range(runner.PREDICT_CHUNK + 2)]
    predictor, reports = _EchoPredictor(), []
    end_to_end, gold_mentions, _, scored = runner.run_predictor(predictor, articles, lambda *report: reports.append(report))
    assert scored is None  # no fitted stance decision: nothing is asked at min_score=0
    total = runner.PREDICT_CHUNK + 2
    assert predictor.calls == [(runner.PREDICT_CHUNK, False), (2, False), (runner.PREDICT_CHUNK, True), (2, True)]
    assert reports == [("end to end", runner.PREDICT_CHUNK, total), ("end to end", total, total),
                       ("gold mentions", runner.PREDICT_CHUNK, total), ("gold mentions", total, total)]  # fmt: skip
    assert [a.id for a in end_to_end] == [a.id for a in gold_mentions] == [a.id for a in articles]

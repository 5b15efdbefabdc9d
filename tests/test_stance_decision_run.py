"""The stance decision of a trained run: decision.json, min_score, older runs, calibrate, the report's curve."""

from __future__ import annotations

import copy
import json
import shutil

import pytest
from typer.testing import CliRunner

from actorstance.cli import app
from actorstance.decision import DECISION_FILE, PairDecision
from actorstance.predictor import Predictor

TEXT = "Iran backs Hezbollah. The UN condemned Iran."
MENTIONS = [{"start": 0, "end": 4, "actor": "IRN"}, {"start": 11, "end": 20, "actor": "HEZ"},
            {"start": 22, "end": 28, "actor": "UN"}, {"start": 39, "end": 43, "actor": "IRN"}]  # fmt: skip


def test_a_run_saves_its_fitted_decision(run_dir, predictor):
    decision = PairDecision.load(run_dir)
    assert decision is not None and predictor.decision == decision
    assert 0.0 < decision.threshold < 1.0 and decision.fitted_on["split"] == "validation"
    metrics = json.loads((run_dir / "metrics.json").read_text())
    assert metrics["decision"]["threshold"] == decision.threshold


def test_min_score_overrides_the_threshold(predictor):
    everything = predictor.predict(TEXT, mentions=MENTIONS, min_score=0.0)
    # the three actors are all mentioned within one sentence of each other: 6 ordered candidate pairs
    assert {(s.holder, s.target) for s in everything.stances} == {
        (h, t) for h in ("IRN", "HEZ", "UN") for t in ("IRN", "HEZ", "UN") if h != t
    }
    assert predictor.predict(TEXT, mentions=MENTIONS, min_score=1.0).stances == []
    default = predictor.predict(TEXT, mentions=MENTIONS)
    assert all(s.score >= predictor.decision.threshold for s in default.stances)
    with pytest.raises(ValueError, match="min_score: expected a number from 0 to 1, got 2"):
        predictor.predict(TEXT, min_score=2)


def test_predict_stances_keeps_the_given_actors_and_roles_and_decides_as_predict_does(predictor):
    given = predictor.predict(TEXT, mentions=MENTIONS, min_score=0.0)
    mine = given.model_copy(update={"actors": [actor.model_copy(update={"role": "CIV"}) for actor in given.actors]}, deep=True)
    for min_score in (None, 0.0):
        (decided,) = predictor.predict_stances([mine], min_score=min_score)
        expected = predictor.predict(TEXT, mentions=MENTIONS, min_score=min_score).stances
        assert [(s.holder, s.target, s.label, s.score) for s in decided.stances] == [(s.holder, s.target, s.label, s.score) for s in expected]
        assert decided.mentions == mine.mentions and {a.role for a in decided.actors} == {"CIV"}
    assert mine.stances == given.stances  # the input is not changed
    with pytest.raises(ValueError, match="min_score: expected a number from 0 to 1, got -1"):
        predictor.predict_stances([mine], min_score=-1)
    roles_only = copy.copy(predictor)
    roles_only.models = {"roles": predictor.models["roles"]}
    with pytest.raises(ValueError, match=r"this run has no stance model \(its tasks: roles\)"):
        roles_only.predict_stances([mine])


def test_no_actor_one_actor_and_thousands_of_mentions_of_one_actor(predictor):
    assert predictor.predict(TEXT, mentions=[]).stances == []
    text = "Iran spoke. " * 3000
    many = [{"start": 11 * i, "end": 11 * i + 4, "actor": "IRN"} for i in range(3000)]
    article = predictor.predict(text, mentions=many)
    assert len(article.actors) == 1 and len(article.mentions) == 3000 and article.stances == []


def test_an_older_run_without_decision_file_loads_with_a_warning(run_dir, tmp_path):
    old = shutil.copytree(run_dir, tmp_path / "old")
    (old / DECISION_FILE).unlink()
    with pytest.warns(UserWarning, match=rf"no {DECISION_FILE} \(a run from an older version\)"):
        predictor = Predictor.from_pretrained(old, device="cpu")
    assert predictor.decision is None
    article = predictor.predict(TEXT, mentions=MENTIONS)
    assert all(s.holder in {"IRN", "HEZ", "UN"} for s in article.stances)


def test_a_corrupt_decision_file_is_named(run_dir, tmp_path):
    broken = shutil.copytree(run_dir, tmp_path / "broken")
    (broken / DECISION_FILE).write_text("{}")
    with pytest.raises(ValueError, match=rf"{DECISION_FILE}: corrupt decision file"):
        Predictor.from_pretrained(broken, device="cpu")


def test_calibrate_writes_a_decision_for_a_run(run_dir, small_corpus_file, tmp_path):
    old = shutil.copytree(run_dir, tmp_path / "old")
    (old / DECISION_FILE).unlink()
    result = CliRunner().invoke(app, ["calibrate", str(old), "--data", str(small_corpus_file), "--split", "validation"])
    assert result.exit_code == 0, result.output
    decision = PairDecision.load(old)
    assert decision is not None and decision.fitted_on["articles"] == 2 and "wrote" in result.output
    missing = CliRunner().invoke(app, ["calibrate", str(old), "--data", str(small_corpus_file), "--split", "nosuch"])
    assert missing.exit_code == 1 and "no article with split 'nosuch'" in missing.output


def test_evaluation_reports_the_threshold_curve_and_calibration(run_dir, small_corpus_file, tmp_path):
    from eval.runner import evaluate_run

    where = evaluate_run(run_dir, data=small_corpus_file, split="test", output=tmp_path / "eval", n_bootstrap=20)
    metrics = json.loads((where / "metrics.json").read_text())
    decision = metrics["stance_decision"]
    assert decision["threshold"] == PairDecision.load(run_dir).threshold
    curve = decision["curve"]
    assert [point["threshold"] for point in curve][:3] == [0.0, 0.02, 0.04] and len(curve) == 51
    assert curve[0]["edges"] >= curve[-1]["edges"]  # a higher threshold never keeps more edges
    assert sum(b["count"] for b in decision["reliability"]["bins"]) == decision["reliability"]["edges"] == curve[0]["edges"]
    html = (where / "report.html").read_text()
    assert "Precision-recall over the threshold" in html and "Reliability (ECE" in html


def test_windows_design_trains_fits_and_scores_every_pair(small_corpus_file, tiny_model_path, tmp_path):
    from train import train

    from .tiny_run import tiny_config

    run = train(tiny_config(small_corpus_file, tiny_model_path, tmp_path, "stance.design=windows"))
    assert json.loads((run / "model" / "heads.json").read_text())["stance_design"] == "windows"
    windows = Predictor.from_pretrained(run, device="cpu")
    assert windows.decision is not None
    article = windows.predict(TEXT, mentions=MENTIONS, min_score=0.0)
    assert {(s.holder, s.target) for s in article.stances} == {
        (h, t) for h in ("IRN", "HEZ", "UN") for t in ("IRN", "HEZ", "UN") if h != t
    }
    assert all(s.evidence[0].start == 0 and s.evidence[0].end == len(TEXT) for s in article.stances)  # one window

"""Baselines on the tiny corpus: same interface as the predictor, scored by the same harness."""

from __future__ import annotations

import importlib.util
import json
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

from actorstance.corpus import load_corpus
from actorstance.labels import LabelSchema
from eval import cli
from eval.baselines import GazetteerBaseline, MajorityBaseline, SpacyBaseline, cue_stances, make_baseline
from eval.runner import evaluate_predictor
from tests.test_eval_helpers import TINY

LABELS = LabelSchema.default()


@pytest.fixture(scope="module")
def corpus():
    articles = load_corpus(TINY, LABELS)
    return [a for a in articles if a.split == "train"], [a for a in articles if a.split == "test"]


def test_majority_predicts_the_most_frequent_role_and_stance(corpus):
    train, test = corpus
    baseline = MajorityBaseline.fit(train, LABELS)
    assert (baseline.role, baseline.stance) == ("GOV", "SUPPORT")
    end_to_end = baseline.predict_articles(test, gold_mentions=False)
    assert all(not a.mentions and not a.stances for a in end_to_end)
    given = baseline.predict_articles(test, gold_mentions=True)
    assert [a.id for a in given] == ["test-1", "test-2"]
    assert {actor.role for a in given for actor in a.actors} == {"GOV"}
    # test-1: US & Magawir share sentence 1, Russia & US sentence 2 -> 4 ordered pairs
    assert sorted((s.holder, s.target) for s in given[0].stances) == [("MAG", "USA"), ("RUS", "USA"), ("USA", "MAG"), ("USA", "RUS")]
    assert {s.label for s in given[0].stances} == {"SUPPORT"}
    assert test[0].stances and test[0].actors[1].role == "REB"  # the inputs are left alone


def test_gazetteer_tags_groups_and_finds_cued_stances(corpus):
    train, test = corpus
    baseline = GazetteerBaseline.fit(train, LABELS)
    predicted = baseline.predict_articles(test, gold_mentions=False)
    first = predicted[0]
    surfaces = [(m.text, first.actor_by_id()[m.actor].role) for m in first.mentions]
    assert surfaces == [("US", "GOV"), ("Magawir al-Thawra", "REB"), ("Russia", "GOV"), ("US", "GOV")]
    assert len(first.actors) == 3  # both "US" mentions form one actor, named from the training data
    names = {a.id: a.name for a in first.actors}
    edges = {(names[s.holder], names[s.target], s.label) for s in first.stances}
    assert ("United States", "Magawir al-Thawra", "SUPPORT") in edges and ("Russia", "United States", "OPPOSE") in edges
    # longest match: "militias backed by Tehran" is one mention, not "Tehran" inside it
    assert "militias backed by Tehran" in [m.text for m in predicted[1].mentions]
    given = baseline.predict_articles(test, gold_mentions=True)
    assert [a.mentions for a in given] == [a.mentions for a in test]
    assert {a.id: a.role for a in given[0].actors} == {"USA": "GOV", "MAG": "REB", "RUS": "GOV"}
    evaluation = evaluate_predictor(baseline, test, n_bootstrap=20)
    assert evaluation.metrics["headline"]["actor_role_accuracy"]["value"] > 0.5
    assert evaluation.metrics["headline"]["e2e_stance_f1"]["value"] > 0


def test_cue_rules_handle_passive_and_neutral_wording(corpus):
    _, test = corpus
    stances = {(s.holder, s.target): s.label for s in cue_stances(test[1], LABELS.stances)}
    assert stances[("IRN_MILITIA", "US_MIL")] == "OPPOSE"
    assert stances[("JOR", "IRN_MILITIA")] == "NEUTRAL"  # "not aimed at fighting" wins over "fighting"
    passive = test[1].model_copy(update={"text": test[1].text.replace("attacked", "backed by")})
    assert {(s.holder, s.target, s.label) for s in cue_stances(passive, ["SUPPORT"])} == {("US_MIL", "IRN_MILITIA", "SUPPORT")}


def test_spacy_baseline_maps_entity_labels_to_roles(corpus):
    _, test = corpus

    def nlp(text):
        start = text.index("Russia")
        return SimpleNamespace(ents=[SimpleNamespace(start_char=start, end_char=start + 6, label_="GPE", text="Russia"),
                                     SimpleNamespace(start_char=0, end_char=3, label_="DATE", text="The")])  # fmt: skip

    baseline = SpacyBaseline(LABELS, nlp=nlp)
    predicted = baseline.predict_articles(test[:1], gold_mentions=False)[0]
    assert [(m.text, predicted.actor_by_id()[m.actor].role) for m in predicted.mentions] == [("Russia", "GOV")]
    given = baseline.predict_articles(test[:1], gold_mentions=True)[0]
    assert given.actor_by_id()["RUS"].role == "GOV"


def test_spacy_baseline_is_reported_unavailable_with_exit_code_2(tmp_path):
    missing = tmp_path / "no-such-model"
    result = CliRunner().invoke(
        cli.app, ["baseline", "spacy", "--train", str(TINY), "--data", str(TINY), "--split", "test", "--spacy-model", str(missing)]
    )
    assert result.exit_code == 2, result.output
    if importlib.util.find_spec("spacy") is None:
        assert "baseline spacy is unavailable: the spacy baseline needs spaCy: pip install spacy" in result.output
    else:
        assert f"baseline spacy is unavailable: cannot load the spaCy model '{missing}'" in result.output


def test_baseline_command_writes_a_comparable_evaluation(tmp_path):
    output = tmp_path / "baseline-gazetteer" / "eval" / "test"
    result = CliRunner().invoke(
        cli.app,
        ["baseline", "gazetteer", "--train", str(TINY), "--data", str(TINY), "--split", "test", "--output", str(output), "--bootstrap", "20"],
    )
    assert result.exit_code == 0, result.output
    metrics = json.loads((output / "metrics.json").read_text())
    assert metrics["run"]["name"] == "baseline-gazetteer" and metrics["run"]["train_time_s"] >= 0
    assert metrics["data"]["articles"] == 2
    unknown = CliRunner().invoke(cli.app, ["baseline", "oracle"])
    assert unknown.exit_code == 2 and "unknown baseline" in unknown.output
    with pytest.raises(ValueError, match="unknown baseline"):
        make_baseline("oracle", [], LABELS)

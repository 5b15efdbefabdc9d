"""Seed ensembles: ``actorstance ensemble`` writes a run that averages its members' distributions."""

from __future__ import annotations

import json
import os
import re
import shutil

import numpy as np
import pytest
import torch
from typer.testing import CliRunner

from actorstance.cli import app
from actorstance.decision import PairDecision
from actorstance.ensemble import AveragedModel
from actorstance.predictor import Predictor
from actorstance.run import RunDirError

TEXT = "Iran backs Hezbollah. The UN condemned Iran."
MENTIONS = [{"start": 0, "end": 4, "actor": "IRN"}, {"start": 11, "end": 20, "actor": "HEZ"},
            {"start": 22, "end": 28, "actor": "UN"}, {"start": 39, "end": 43, "actor": "IRN"}]  # fmt: skip


@pytest.fixture(scope="module")
def other_seed(tmp_path_factory, small_corpus_file, tiny_model_path):
    """The shared tiny run's config retrained under another seed."""
    from train import train

    from .tiny_run import tiny_config

    return train(tiny_config(small_corpus_file, tiny_model_path, tmp_path_factory.mktemp("seed6"), "seed=6"))


@pytest.fixture(scope="module")
def ensemble_dir(tmp_path_factory, run_dir, other_seed, small_corpus_file):
    output = tmp_path_factory.mktemp("ensembles") / "ensemble"
    result = CliRunner().invoke(app, ["ensemble", str(run_dir), str(other_seed), "--output", str(output), "--data", str(small_corpus_file)])
    assert result.exit_code == 0, result.output
    assert f"ensemble of 2 runs: wrote {output}" in " ".join(result.output.split())
    return output


class _FixedOutputs:
    def __init__(self, **outputs):
        self.outputs = outputs

    def __call__(self, **batch):
        return self.outputs


def test_averaged_model_means_probabilities_of_distributions_and_logits_of_the_rest():
    first = _FixedOutputs(stance_logits=torch.log(torch.tensor([[0.5, 0.5]])), actor_role_logits=torch.tensor([[1.0, -3.0]]))
    second = _FixedOutputs(stance_logits=torch.log(torch.tensor([[0.9, 0.1]])), actor_role_logits=torch.tensor([[3.0, 1.0]]))
    averaged = AveragedModel([first, second])(input_ids=torch.zeros(1, 1))
    assert averaged["stance_logits"].softmax(-1)[0].tolist() == pytest.approx([0.7, 0.3])
    assert averaged["actor_role_logits"].tolist() == [[2.0, -1.0]]
    assert averaged["stance_logits"].exp().sum().item() == pytest.approx(1.0)
    assert AveragedModel([first, second]).outputs is first.outputs  # other attributes: the first member's


def test_an_output_or_given_role_head_that_one_member_lacks_is_left_out():
    head = torch.nn.Linear(2, 3)
    refitted = _FixedOutputs(role_logits=torch.zeros(1, 3), given_role_logits=torch.zeros(1, 3))
    refitted.given_role_head = head
    plain = _FixedOutputs(role_logits=torch.zeros(1, 3))
    plain.given_role_head = None
    assert set(AveragedModel([refitted, plain])(input_ids=torch.zeros(1, 1))) == {"role_logits"}
    assert AveragedModel([refitted, plain]).given_role_head is None
    assert AveragedModel([refitted, refitted]).given_role_head is head


def test_ensemble_dir_lists_its_members_and_fits_its_own_decision(ensemble_dir, run_dir, other_seed):
    members = json.loads((ensemble_dir / "members.json").read_text())["members"]
    assert [(ensemble_dir / member).resolve() for member in members] == [run_dir.resolve(), other_seed.resolve()]
    assert not any(member.startswith("/") for member in members)  # relative: the folders move together
    metrics = json.loads((ensemble_dir / "metrics.json").read_text())
    trained = [json.loads((run / "metrics.json").read_text()) for run in (run_dir, other_seed)]
    assert metrics["train_time_s"] == trained[0]["train_time_s"] + trained[1]["train_time_s"]
    assert metrics["num_parameters"] == 2 * trained[0]["num_parameters"]
    decision = PairDecision.load(ensemble_dir)
    assert decision.fitted_on["split"] == "validation" and decision.fitted_on["articles"] == 2
    assert (ensemble_dir / "config.yaml").read_text() == (run_dir / "config.yaml").read_text()
    card = (ensemble_dir / "README.md").read_text()
    assert f"| stance decision | edges kept from score {decision.threshold:.2f}, reverse margin {decision.reverse_margin:.2f} " in card
    assert f"| members | `{members[0]}`, `{members[1]}` (paths relative to this folder) |" in card
    arguments = " ".join(os.path.normpath(os.path.join("ensemble", member)) for member in members)
    assert f"actorstance ensemble {arguments} --output ensemble\n" in card
    assert not list(ensemble_dir.parent.glob(".*partial"))


def test_ensemble_predicts_the_mean_of_its_members(ensemble_dir, run_dir, other_seed):
    ensemble = Predictor.from_pretrained(ensemble_dir, device="cpu")
    members = [Predictor.from_pretrained(run, device="cpu") for run in (run_dir, other_seed)]
    article = Predictor.from_pretrained(run_dir, device="cpu").predict(TEXT, mentions=MENTIONS)
    contexts, _ = members[0].stance_distributions([article])
    texts = {article.id: article.text}
    member_probabilities = [np.array(member.context_probabilities(texts, contexts)) for member in members]
    averaged = np.array(ensemble.context_probabilities(texts, contexts))
    assert len(contexts) == 6 and not np.allclose(member_probabilities[0], member_probabilities[1])
    np.testing.assert_allclose(averaged, (member_probabilities[0] + member_probabilities[1]) / 2, atol=1e-6)
    tags = [[word.probabilities for word in member._tag_words([TEXT], 8)[0]] for member in members]
    averaged_tags = [word.probabilities for word in ensemble._tag_words([TEXT], 8)[0]]
    np.testing.assert_allclose(averaged_tags, (np.array(tags[0]) + np.array(tags[1])) / 2, atol=1e-6)
    predicted = ensemble.predict(TEXT, mentions=MENTIONS)
    assert {actor.id for actor in predicted.actors} == {"IRN", "HEZ", "UN"}
    assert all(stance.score >= ensemble.decision.threshold for stance in predicted.stances)


def test_members_must_be_retrains_of_one_config(run_dir, tmp_path):
    wider = shutil.copytree(run_dir, tmp_path / "wider")
    config = (wider / "config.yaml").read_text()
    (wider / "config.yaml").write_text(config.replace("  max_length: 128\n", "  max_length: 96\n", 1))
    result = CliRunner().invoke(app, ["ensemble", str(run_dir), str(wider), "--output", str(tmp_path / "out")])
    assert result.exit_code == 2
    message = " ".join(result.output.split())
    assert f"error: {wider}: cannot join an ensemble with {run_dir}: its config differs in roles.max_length (128 vs 96)" in message
    relabelled = shutil.copytree(run_dir, tmp_path / "relabelled")
    labels = (relabelled / "labels.yaml").read_text()
    (relabelled / "labels.yaml").write_text(labels.replace("- MEDIA\n", "- PRESS\n"))
    result = CliRunner().invoke(app, ["ensemble", str(run_dir), str(relabelled), "--output", str(tmp_path / "out")])
    assert result.exit_code == 2 and f"{relabelled / 'labels.yaml'}: differs from {run_dir / 'labels.yaml'}" in " ".join(result.output.split())
    result = CliRunner().invoke(app, ["ensemble", str(run_dir), "--output", str(tmp_path / "out")])
    assert result.exit_code == 2 and "an ensemble needs at least two member runs, got 1" in result.output
    assert not (tmp_path / "out").exists()


def test_an_ensemble_is_not_a_member(ensemble_dir, run_dir, tmp_path):
    result = CliRunner().invoke(app, ["ensemble", str(run_dir), str(ensemble_dir), "--output", str(tmp_path / "nested")])
    assert result.exit_code == 2 and f"{ensemble_dir} is an ensemble itself; list its members instead" in " ".join(result.output.split())


def test_an_existing_output_is_kept_unless_overwrite(ensemble_dir, run_dir, other_seed, small_corpus_file):
    before = (ensemble_dir / "decision.json").read_text()
    arguments = ["ensemble", str(run_dir), str(other_seed), "--output", str(ensemble_dir), "--data", str(small_corpus_file)]
    result = CliRunner().invoke(app, arguments)
    assert result.exit_code == 2 and f"{ensemble_dir} exists; pass overwrite=True (or --overwrite)" in " ".join(result.output.split())
    assert CliRunner().invoke(app, [*arguments, "--overwrite"]).exit_code == 0
    assert (ensemble_dir / "decision.json").read_text() == before  # the same members fit the same decision


def test_a_missing_or_corrupt_member_list_is_named(ensemble_dir, tmp_path):
    moved = shutil.copytree(ensemble_dir, tmp_path / "deeper" / "moved")  # its members' relative paths now lead nowhere
    member = json.loads((moved / "members.json").read_text())["members"][0]
    with pytest.raises(RunDirError, match=re.escape(f"{moved / 'members.json'}: member '{member}' is not a folder")):
        Predictor.from_pretrained(moved, device="cpu")
    (moved / "members.json").write_text('{"members": []}')
    with pytest.raises(RunDirError, match=r"members.json: corrupt members file \(TypeError: 'members' must be a non-empty list"):
        Predictor.from_pretrained(moved, device="cpu")


def test_an_ensemble_has_no_head_of_its_own_to_refit(ensemble_dir):
    result = CliRunner().invoke(app, ["refit-roles", str(ensemble_dir)])
    assert result.exit_code == 2
    assert f"{ensemble_dir} is an ensemble, with no model of its own: refit its members' heads" in " ".join(result.output.split())


def test_the_cli_and_the_harness_load_an_ensemble_as_a_run(ensemble_dir, run_dir, other_seed, small_corpus_file, tmp_path):
    from eval.runner import evaluate_run

    article = tmp_path / "article.txt"
    article.write_text(TEXT)
    result = CliRunner().invoke(app, ["predict", str(ensemble_dir), str(article)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output.splitlines()[0])["text"] == TEXT
    where = evaluate_run(ensemble_dir, data=small_corpus_file, split="test", output=tmp_path / "eval", n_bootstrap=20)
    metrics = json.loads((where / "metrics.json").read_text())
    trained = [json.loads((run / "metrics.json").read_text())["train_time_s"] for run in (run_dir, other_seed)]
    assert metrics["run"]["train_time_s"] == sum(trained) and metrics["stance_decision"]["threshold"] == PairDecision.load(ensemble_dir).threshold

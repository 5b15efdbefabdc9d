"""The tagger head re-fitted for the roles of given mentions: fitting, saving, and where the Predictor reads it."""

from __future__ import annotations

import dataclasses
import json
import shutil

import pytest
import torch

from actorstance.dataset import role_examples
from actorstance.given_roles import encoder_states, fit_given_role_head
from actorstance.predictor import Predictor
from actorstance.run import model_dirs


def _training_rows(predictor, small_corpus) -> list[dict]:
    train = [article for article in small_corpus if article.split == "train"]
    return role_examples(train, predictor.tokenizer, predictor.labels, predictor.config.roles.options())


def test_training_fits_the_head_and_it_lowers_the_training_loss(run_dir, predictor, small_corpus):
    model = predictor.models["roles"]
    assert model.given_role_head is not None  # roles.given_role_head: true, the default
    assert json.loads((run_dir / "metrics.json").read_text())["given_role_head"]["articles"] == 8
    card = (run_dir / "README.md").read_text()
    assert "| roles of given mentions | a copy of the tagger head re-fitted on the encoder's states of 8 training articles |" in card
    rows = _training_rows(predictor, small_corpus)
    states, tags = encoder_states(model, rows, predictor.tokenizer.pad_token_id)
    assert states.shape == (len(tags), model.role_head.in_features)
    assert len(tags) == sum(label != -100 for row in rows for label in row["labels"])
    with torch.no_grad():
        joint = torch.nn.functional.cross_entropy(model.role_head(states), tags)
        refitted = torch.nn.functional.cross_entropy(model.given_role_head(states), tags)
    assert refitted < joint


def test_the_model_card_says_which_head_gives_given_mentions_roles():
    from actorstance.card import _given_roles

    assert _given_roles({"given_role_head": {"split": "train", "articles": 158}}) == (
        "a copy of the tagger head re-fitted on the encoder's states of 158 training articles"
    )
    assert _given_roles({}) == "the tagger head (no re-fitted head)"


def test_a_refit_is_repeatable_per_seed_and_leaves_the_joint_head_alone(predictor, small_corpus):
    model = predictor.models["roles"]
    rows, pad = _training_rows(predictor, small_corpus), predictor.tokenizer.pad_token_id
    joint = {name: value.clone() for name, value in model.role_head.state_dict().items()}
    first, again, other = (fit_given_role_head(model, rows, pad, seed=seed) for seed in (3, 3, 4))
    assert torch.equal(first.weight, again.weight) and torch.equal(first.bias, again.bias)
    assert not torch.equal(first.weight, other.weight)
    assert all(torch.equal(value, model.role_head.state_dict()[name]) for name, value in joint.items())
    with pytest.raises(ValueError, match="no labelled tokens"):
        fit_given_role_head(model, [], pad)
    with pytest.raises(ValueError, match=r"dropout must be in \[0, 1\), not 1.0"):
        fit_given_role_head(model, rows, pad, dropout=1.0)


def test_given_mentions_take_roles_from_the_refitted_head_and_predicted_ones_do_not(run_dir, tmp_path, small_corpus):
    copy = shutil.copytree(run_dir, tmp_path / "run")
    predictor = Predictor.from_pretrained(copy, device="cpu")
    predictor.config.actors.dictionary_roles = False  # the dictionary would give the UN and Hezbollah their roles back
    model, tags = predictor.models["roles"], predictor.labels.bio_labels
    article = small_corpus[0].model_copy(update={"stances": []})
    plain = article.model_copy(update={"actors": [], "mentions": []})
    shipped = predictor._role_options
    predictor._role_options = dataclasses.replace(shipped, given_role_head=False)
    joint_given = predictor.predict_actors([article], gold_mentions=True)[0]
    predictor._role_options = shipped
    joint_tagged = predictor.predict_actors([plain])[0]
    forced = torch.nn.Linear(model.role_head.in_features, len(tags))
    with torch.no_grad():
        forced.weight.zero_()
        forced.bias.copy_(torch.tensor([10.0 if tag.endswith("-MIL") else -10.0 for tag in tags]))
    model.given_role_head = forced
    given = predictor.predict_actors([article], gold_mentions=True)[0]
    assert {actor.id: actor.role for actor in given.actors} == {"IRN": "MIL", "HEZ": "MIL", "UN": "MIL"}
    assert predictor.predict_actors([plain])[0] == joint_tagged  # end to end the joint head still tags
    predictor._role_options = dataclasses.replace(shipped, given_role_head=False)
    assert predictor.predict_actors([article], gold_mentions=True)[0] == joint_given
    model.save_heads(model_dirs(copy, list(predictor.config.tasks), predictor.config.model.architecture)["roles"])
    reloaded = Predictor.from_pretrained(copy, device="cpu").models["roles"].given_role_head
    assert torch.equal(reloaded.weight, forced.weight) and torch.equal(reloaded.bias, forced.bias)


def test_refit_roles_command_gives_an_older_run_the_head(run_dir, tmp_path):
    from typer.testing import CliRunner

    from actorstance.cli import app

    old = shutil.copytree(run_dir, tmp_path / "old")
    predictor = Predictor.from_pretrained(old, device="cpu")
    model = predictor.models["roles"]
    model.given_role_head = None
    directory = model_dirs(old, list(predictor.config.tasks), predictor.config.model.architecture)["roles"]
    model.save_heads(directory)
    assert json.loads((directory / "heads.json").read_text())["given_role_head"] is False
    assert Predictor.from_pretrained(old, device="cpu").models["roles"].given_role_head is None
    result = CliRunner().invoke(app, ["refit-roles", str(old)])
    assert result.exit_code == 0, result.output
    assert "given-mention role head fitted on 8 articles" in result.output
    refitted = Predictor.from_pretrained(old, device="cpu").models["roles"].given_role_head
    shipped = Predictor.from_pretrained(run_dir, device="cpu").models["roles"].given_role_head
    assert torch.equal(refitted.weight, shipped.weight)  # the same fit as training's: same data, same seed

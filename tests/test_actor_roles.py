"""The actor-level role decision: windows, pooling, loss, decision, threshold fitting and tiny runs."""

from __future__ import annotations

import json
import math
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from torch import nn

from actorstance.actor_roles import (
    ACTOR_ROLES_FILE,
    THRESHOLD_GRID,
    RoleLayout,
    RoleThreshold,
    actor_inputs,
    actor_role_examples,
    balanced_weights,
    fit_threshold,
)
from actorstance.config import ConfigError, load_config
from actorstance.dataset import PadCollator
from actorstance.labels import LabelSchema
from actorstance.modeling import ActorStanceModel
from actorstance.predictor import Predictor

from .conftest import make_article
from .tiny_run import tiny_config

SEMEVAL = LabelSchema.shipped("semeval2025")
FLAT = LabelSchema(name="flat", roles=["A", "B", "C"], stances=["SUPPORT"])


# --------------------------------------------------------------------------- layout and decision


def test_layout_of_a_flat_and_a_grouped_schema():
    flat = RoleLayout.of(LabelSchema.default())
    assert not flat.hierarchical and flat.main == tuple(LabelSchema.default().roles) and flat.num_outputs == 9
    assert flat.targets("MIL") == [0, 1, 0, 0, 0, 0, 0, 0, 0]
    grouped = RoleLayout.of(SEMEVAL)
    assert grouped.hierarchical and grouped.main == ("Protagonist", "Antagonist", "Innocent") and grouped.num_outputs == 3 + 22
    target = grouped.targets("Conspirator", ["Instigator"])
    assert target[:3] == [0, 1, 0] and [SEMEVAL.roles[i] for i, v in enumerate(target[3:]) if v] == ["Instigator", "Conspirator"]


def test_flat_decision_is_the_most_probable_role():
    layout = RoleLayout.of(FLAT)
    assert layout.decide(np.array([0.2, 0.7, 0.1])) == ("B", [], pytest.approx(0.7))
    probabilities = layout.probabilities(np.array([0.0, math.log(3.0), 0.0]))
    assert probabilities.tolist() == pytest.approx([0.2, 0.6, 0.2])


def test_fine_roles_belong_to_the_predicted_main_role():
    layout = RoleLayout.of(SEMEVAL)
    fine = {role: 0.0 for role in SEMEVAL.roles} | {"Guardian": 0.99, "Victim": 0.9, "Tyrant": 0.4, "Corrupt": 0.7, "Spy": 0.55}
    scores = np.array([0.3, 0.6, 0.1, *fine.values()])
    # Guardian (Protagonist) and Victim (Innocent) are the surest fine roles, but the main role is Antagonist.
    assert layout.decide(scores, threshold=0.5) == ("Corrupt", ["Spy"], pytest.approx(0.6))
    assert layout.decide(scores, threshold=0.35) == ("Corrupt", ["Spy", "Tyrant"], pytest.approx(0.6))
    assert layout.decide(scores, threshold=0.95) == ("Corrupt", [], pytest.approx(0.6))  # the best fine role always stays


def test_threshold_fitting_picks_the_grid_value_with_most_exact_matches():
    layout = RoleLayout.of(SEMEVAL)

    def scores(**fine):
        main = [0.1, 0.8, 0.1]
        return np.array(main + [fine.get(role.replace(" ", "_"), 0.0) for role in SEMEVAL.roles])

    # actor 1 needs Spy (0.42) kept; actor 2 needs Tyrant (0.38) dropped: only thresholds in (0.38, 0.42] get both
    probabilities = [scores(Corrupt=0.9, Spy=0.42), scores(Corrupt=0.8, Tyrant=0.38)]
    gold = [["Corrupt", "Spy"], ["Corrupt"]]
    assert fit_threshold(probabilities, gold, layout) == (0.4, 1.0)
    # only actor 2: every threshold above 0.38 matches; the highest wins the tie
    assert fit_threshold(probabilities[1:], gold[1:], layout) == (THRESHOLD_GRID[-1], 1.0)
    assert fit_threshold([], [], layout) == (0.5, 0.0)


def test_threshold_file_round_trip_and_errors(tmp_path):
    assert RoleThreshold.load(tmp_path) == RoleThreshold()  # no file: the default
    RoleThreshold(0.35, {"split": "validation", "actors": 12}).save(tmp_path)
    assert RoleThreshold.load(tmp_path) == RoleThreshold(0.35, {"split": "validation", "actors": 12})
    (tmp_path / ACTOR_ROLES_FILE).write_text('{"threshold": 2}')
    with pytest.raises(ValueError, match=rf"{ACTOR_ROLES_FILE}: threshold: expected a number from 0 to 1, got 2$"):
        RoleThreshold.load(tmp_path)


def test_balanced_weights_by_hand():
    layout = RoleLayout.of(FLAT)
    targets = [[1, 0, 0]] * 3 + [[0, 1, 0], [-100, -100, -100]]
    main, fine = balanced_weights(targets, layout)
    assert main == pytest.approx([4 / (2 * 3), 4 / (2 * 1), 1.0]) and fine is None  # C is never seen: weight 1
    grouped = RoleLayout.of(SEMEVAL)
    rows = [grouped.targets("Spy")] * 2 + [grouped.targets("Victim")] * 20
    main, fine = balanced_weights(rows, grouped)
    assert main == pytest.approx([1.0, 22 / (2 * 2), 22 / (2 * 20)])
    assert fine[SEMEVAL.roles.index("Spy")] == 10.0  # 20 / 2, at the cap
    assert fine[SEMEVAL.roles.index("Victim")] == 1.0  # 2 / 20, raised to 1
    assert fine[SEMEVAL.roles.index("Tyrant")] == 1.0  # never seen


# --------------------------------------------------------------------------- inputs


def test_actor_inputs_mark_every_mention_and_map_it_to_its_actor(tokenizer):
    text = "Iran backs Hezbollah. The UN condemned Iran."
    article = make_article("x", text, [("Iran", "IRN"), ("Hezbollah", "HEZ"), ("The UN", "UN"), ("Iran", "IRN")])
    one = actor_inputs(article, tokenizer, 64)
    assert one.actors == ["IRN", "HEZ", "UN"] and len(one.windows) == 1 and one.mentions_lost == 0
    assert tokenizer.decode(one.windows[0]) == "[CLS] < < iran > > backs < < hezbollah > >. < < the un > > condemned < < iran > >. [SEP]"
    tokens = tokenizer.convert_ids_to_tokens(one.windows[0])
    assert [tokens[t : t + 3] for t in one.mention_tokens] == [["<", "<", "iran"], ["<", "<", "hezbollah"], ["<", "<", "the"], ["<", "<", "iran"]]
    assert one.mention_actors == [0, 1, 2, 0] and one.mention_windows == [0, 0, 0, 0]
    split = actor_inputs(article, tokenizer, 16)  # one sentence a window
    assert split.mention_windows == [0, 0, 1, 1] and split.mention_actors == [0, 1, 2, 0] and split.mentions_lost == 0
    long = make_article("y", "Iran " + "says nothing new today " * 10 + "about Oman.", [("Iran", "IRN"), ("Oman", "OMN")])
    cut = actor_inputs(long, tokenizer, 16)  # the one sentence is cut to 16 tokens: Oman's marker falls off
    assert cut.mentions_lost == 1 and cut.mention_actors == [0] and cut.actors == ["IRN", "OMN"]


def test_training_rows_and_their_padding(tokenizer):
    article = make_article("x", "Iran backs Hezbollah.", [("Iran", "IRN"), ("Hezbollah", "HEZ")], roles={"HEZ": "MILITIA"})
    [row] = actor_role_examples([article], tokenizer, LabelSchema.default(), 64)
    assert row["actor_role_targets"] == [RoleLayout.of(LabelSchema.default()).targets(r) for r in ("GOV", "MILITIA")]
    assert tokenizer.decode(row["input_ids"]) == "[CLS] [SEP]" and row["labels"] == [-100, -100]
    tagger_row = {"input_ids": [101, 7, 102], "labels": [-100, 3, -100], "actor_window_ids": [], "actor_mention_windows": [],
                  "actor_mention_tokens": [], "actor_mention_actors": [], "actor_role_targets": []}  # fmt: skip
    batch = PadCollator(0)([{key: row[key] for key in tagger_row}, tagger_row])
    windows = len(row["actor_window_ids"][0])
    assert batch["actor_window_ids"].shape == (2, 1, windows) and batch["actor_window_mask"][1].sum() == 0
    assert batch["actor_mention_actors"].tolist() == [[0, 1], [-1, -1]]
    assert batch["actor_role_targets"].shape == (2, 2, 9) and (batch["actor_role_targets"][1] == -100).all()


# --------------------------------------------------------------------------- pooling and loss


class _Lookup(nn.Module):
    """An encoder whose state of token id t is row t of a fixed table, so pooling can be checked by hand."""

    def __init__(self, table):
        super().__init__()
        self.table = nn.Embedding.from_pretrained(torch.tensor(table, dtype=torch.float))
        self.config = SimpleNamespace(hidden_size=len(table[0]))

    def forward(self, input_ids, attention_mask):
        return SimpleNamespace(last_hidden_state=self.table(input_ids))


def test_actor_pooling_by_hand():
    model = ActorStanceModel(_Lookup([[0, 0], [1, 2], [3, 4], [5, 0], [1, 1]]), None, None, num_actor_outputs=2).eval()
    window_ids = torch.tensor([[[1, 2, 3], [4, 2, 0]], [[0, 0, 0], [0, 0, 0]]])
    window_mask = torch.tensor([[[1, 1, 1], [1, 1, 0]], [[0, 0, 0], [0, 0, 0]]])
    mention_windows = torch.tensor([[0, 1, 0], [0, 0, 0]])
    mention_tokens = torch.tensor([[1, 1, 2], [0, 0, 0]])
    mention_actors = torch.tensor([[0, 0, 1], [-1, -1, -1]])  # actor 0: token 2 twice; actor 1: token 3
    features = model._actor_features(window_ids, window_mask, mention_windows, mention_tokens, mention_actors, 2, torch.zeros(1, 1, 2))
    article = [13 / 5, 11 / 5]  # mean of the 5 unmasked token states
    expected = torch.tensor([[3, 4, *article, 3 * 2.6, 4 * 2.2], [5, 0, *article, 5 * 2.6, 0.0]])
    torch.testing.assert_close(features[0], expected)
    assert features[1].abs().sum() == 0  # an article without windows (a tagger row) pools to zeros


def test_actor_loss_by_hand():
    flat = ActorStanceModel(_Lookup([[0.0]]), None, None, num_actor_outputs=3)
    targets = torch.tensor([[[0, 1, 0], [-100, -100, -100]]])
    assert flat._actor_loss(torch.zeros(1, 2, 3), targets).item() == pytest.approx(math.log(3))
    grouped = ActorStanceModel(_Lookup([[0.0]]), None, None, num_actor_outputs=5, num_actor_main=2)
    assert grouped._actor_loss(torch.zeros(1, 1, 5), torch.tensor([[[1, 0, 1, 0, 1]]])).item() == pytest.approx(2 * math.log(2))
    weighted = ActorStanceModel(_Lookup([[0.0]]), None, None, num_actor_outputs=2)
    weighted.set_actor_class_weights([1.0, 3.0], None)
    logits = torch.tensor([[[2.0, 0.0], [2.0, 0.0]]])
    first, second = math.log(1 + math.exp(-2)), math.log(1 + math.exp(2))  # cross-entropy of class 0, of class 1
    assert weighted._actor_loss(logits, torch.tensor([[[1, 0], [0, 1]]])).item() == pytest.approx((first + 3 * second) / 4)


# --------------------------------------------------------------------------- config and tiny runs


def test_tagger_off_needs_the_actor_decision():
    with pytest.raises(ConfigError, match=r"config key 'roles': Value error, tagger: false needs decision: actor \(token_vote reads roles off the tagger\)$"):
        load_config(None, ["roles.tagger=false"])


@pytest.fixture(scope="module")
def flat_run(small_corpus_file, tiny_model_path, tmp_path_factory):
    """A tiny roles-only run with the tagger and the actor decision (the default, flat schema)."""
    from train import train

    return train(tiny_config(small_corpus_file, tiny_model_path, tmp_path_factory.mktemp("runs"), "tasks=[roles]", "roles.decision=actor"))


def test_tiny_flat_run_end_to_end_and_round_trip(flat_run, tmp_path):
    run = flat_run
    heads = json.loads((run / "model" / "heads.json").read_text())
    assert heads["num_actor_outputs"] == 9 and heads["num_actor_main"] == 0 and heads["num_tags"] == 19
    assert not (run / ACTOR_ROLES_FILE).exists()  # a flat schema has no threshold to fit
    predictor = Predictor.from_pretrained(run, device="cpu")
    text = "Iran backs Hezbollah. The UN condemned the attack."
    given = predictor.predict(text, mentions=[{"start": 0, "end": 4, "actor": "IRN"}, {"start": 11, "end": 20}])
    assert [a.id for a in given.actors] == ["IRN", "M2"]
    assert all(a.role in LabelSchema.default().roles and a.other_roles is None and 0 < a.score <= 1 for a in given.actors)
    probabilities = predictor.actor_role_probabilities([given])[0]
    assert [a.role for a in given.actors] == [LabelSchema.default().roles[int(probabilities[a].argmax())] for a in ("IRN", "M2")]
    end_to_end = predictor.predict(text)
    assert all(a.role in LabelSchema.default().roles for a in end_to_end.actors)
    # saved and loaded again: the same actor logits
    model = ActorStanceModel.from_pretrained(run / "model")
    model.save_pretrained(tmp_path / "again")
    again = ActorStanceModel.from_pretrained(tmp_path / "again")
    article = given.model_copy(update={"actors": []})
    rows = [{"input_ids": [101, 102], **_row(article, predictor)}]
    batch = predictor._collate(rows)
    assert torch.equal(model(**batch)["actor_role_logits"], again(**batch)["actor_role_logits"])


def _row(article, predictor):
    from actorstance.actor_roles import actor_role_row

    inputs = actor_inputs(article, predictor.tokenizer, 256)
    return actor_role_row(inputs, None, 9)


def test_tiny_grouped_run_without_tagger(tmp_path, tiny_model_path):
    from actorstance.corpus import write_corpus
    from train import train

    articles = []
    for index in range(10):
        article = make_article(
            f"s{index}", "Kyiv defended the town. Moscow shelled it and villagers fled.",
            [("Kyiv", "E1"), ("Moscow", "E2"), ("villagers", "E3")],
            roles={"E1": "Guardian", "E2": "Instigator", "E3": "Victim"},
            split="train" if index < 7 else "validation",
        )  # fmt: skip
        article.actors[1].other_roles = ["Tyrant"]
        articles.append(article)
    corpus = write_corpus(articles, tmp_path / "semeval-like.jsonl")
    config = tiny_config(
        corpus, tiny_model_path, tmp_path, "tasks=[roles]", "data.labels=semeval2025", "roles.decision=actor",
        "roles.tagger=false", "roles.class_weights=balanced", "training.early_stopping.metric=loss",
    )  # fmt: skip
    run = train(config)
    threshold = json.loads((run / ACTOR_ROLES_FILE).read_text())
    assert threshold["threshold"] in THRESHOLD_GRID and threshold["fitted_on"]["actors"] == 9
    assert json.loads((run / "metrics.json").read_text())["actor_roles"]["threshold"] == threshold["threshold"]
    predictor = Predictor.from_pretrained(run, device="cpu")
    assert predictor.role_threshold.threshold == threshold["threshold"]
    [predicted] = predictor.predict_articles([articles[-1]], gold_mentions=True)
    assert [a.id for a in predicted.actors] == ["E1", "E2", "E3"]
    for actor in predicted.actors:
        main = SEMEVAL.coarse_role(actor.role)
        assert main and all(SEMEVAL.coarse_role(role) == main for role in actor.other_roles or [])
    with pytest.raises(ValueError, match=r"^this run has no mention tagger \(roles.tagger: false\): it decides roles of given mentions only; pass mentions=...$"):
        predictor.predict("Kyiv defended the town.")


def test_ablation_script_scores_both_decisions_of_one_run(flat_run, tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parent.parent / "scripts"))
    from roles_actor_ablation import main

    main([str(flat_run), "--split", "validation", "--output", str(tmp_path / "ablation.json")])
    results = json.loads((tmp_path / "ablation.json").read_text())
    assert results["split"] == "validation" and list(results["variants"]) == ["token_vote", "actor"]
    token_vote, actor = results["variants"]["token_vote"], results["variants"]["actor"]
    assert set(actor) == {"actor_role_accuracy", "mention_strict_f1", "actor_f1"}
    assert actor["actor_f1"] == token_vote["actor_f1"]  # the same tagger and grouping: only roles differ

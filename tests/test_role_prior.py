"""The role prior (`actorstance.role_prior`) by hand: per-actor texts and features, the weighted decision,
fitting and its file, the Predictor's use of it for given mentions, `actorstance fit-role-prior`, and the
weight's choice in benchmarks/role_prior.py."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from actorstance.predictor import Predictor
from actorstance.role_prior import ROLE_PRIOR_FILE, RolePrior, actor_features, actor_texts, combine, fit_role_prior
from actorstance.schema import Actor, Article, Mention
from benchmarks.role_prior import cached, choose_weight, end_to_end_scores

TEXT = "Hezbollah fired rockets. The group said Israel struck first. Israel denied it."


def _article(article_id: str = "a1", roles: tuple[str, str] = ("MILITIA", "GOV")) -> Article:
    spans = [(0, 9, "HEZ"), (25, 34, "HEZ"), (40, 46, "ISR"), (61, 67, "ISR")]
    return Article(
        id=article_id,
        text=TEXT,
        actors=[Actor(id="HEZ", name="Hezbollah", role=roles[0]), Actor(id="ISR", name="Israel", role=roles[1])],
        mentions=[Mention(start=s, end=e, text=TEXT[s:e], actor=actor) for s, e, actor in spans],
    )


VECTORS = {"Hezbollah fired rockets.": [1.0, 0.0], "The group said Israel struck first.": [0.0, 1.0],
           "Israel denied it.": [1.0, 1.0], "Hezbollah": [2.0, 0.0], "The group": [0.0, 2.0], "Israel": [3.0, 3.0]}  # fmt: skip


def _embed(texts):
    return np.array([VECTORS[text] for text in texts])


def test_actor_texts_keep_each_sentence_and_surface_once_in_text_order():
    assert actor_texts(_article()) == {
        "HEZ": (["Hezbollah fired rockets.", "The group said Israel struck first."], ["Hezbollah", "The group"]),
        "ISR": (["The group said Israel struck first.", "Israel denied it."], ["Israel"]),
    }


def test_features_join_the_mean_sentence_vector_to_the_mean_surface_vector():
    features = actor_features([_article()], _embed)
    assert features[("a1", "HEZ")] == pytest.approx([0.5, 0.5, 1.0, 1.0])
    assert features[("a1", "ISR")] == pytest.approx([0.5, 1.0, 3.0, 3.0])


def test_the_prior_overrules_the_vote_only_as_far_as_its_weight_lets_it():
    vote, prior = np.array([0.1, 0.3, 0.6]), np.array([0.0, 0.9, 0.1])
    assert combine(vote, prior, 0.0) == pytest.approx(vote)
    # MILITIA against REB: log 0.3 + w log 0.9 against log 0.6 + w log 0.1, MILITIA wins once w > log 2 / log 9 = 0.315
    assert combine(vote, prior, 0.3).argmax() == 2 and combine(vote, prior, 0.4).argmax() == 1
    # w = 1: 0.1 * 1e-6, 0.3 * 0.9, 0.6 * 0.1 = 1e-7, 0.27, 0.06, normalised
    assert combine(vote, prior, 1.0) == pytest.approx([1e-7 / 0.3300001, 0.27 / 0.3300001, 0.06 / 0.3300001])


def _training_articles() -> list[Article]:
    return [_article(f"t{index}", ("MILITIA", "GOV")) for index in range(4)]


def test_a_fitted_prior_learns_the_roles_and_its_file_round_trips(tmp_path):
    prior = fit_role_prior(_training_articles(), "fake-encoder", 0.4, embed=_embed, fitted_on={"split": "train"})
    assert prior.roles == ["GOV", "MILITIA"] and prior.coef.shape == (2, 4) and prior.fitted_on["actors"] == 8
    assert prior.fitted_on["split"] == "train" and prior.fitted_on["C"] in prior.fitted_on["cv_accuracy"]
    probabilities = prior.probabilities([_article("new")], ["GOV", "MIL", "MILITIA"])
    assert probabilities[("new", "HEZ")].argmax() == 2 and probabilities[("new", "ISR")].argmax() == 0
    assert probabilities[("new", "HEZ")][1] == 0.0  # a role it was never fitted on
    assert probabilities[("new", "HEZ")].sum() == pytest.approx(1.0)
    prior.save(tmp_path)
    loaded = RolePrior.load(tmp_path)
    assert (loaded.encoder, loaded.roles, loaded.weight, loaded.fitted_on["actors"]) == ("fake-encoder", ["GOV", "MILITIA"], 0.4, 8)
    assert loaded.end_to_end_weight is None  # given mentions only unless asked (a file from before the field reads the same)
    loaded.embed = _embed
    again = loaded.probabilities([_article("new")], ["GOV", "MIL", "MILITIA"])
    assert again[("new", "HEZ")] == pytest.approx(probabilities[("new", "HEZ")])


def test_missing_corrupt_and_unfittable_priors_are_named(tmp_path):
    assert RolePrior.load(tmp_path) is None
    (tmp_path / ROLE_PRIOR_FILE).write_text(json.dumps({"format": 1, "encoder": "x", "roles": ["A", "B"], "weight": 1,
                                                        "coef": [[0.0, 1.0]], "intercept": [0.0, 0.0]}))  # fmt: skip
    with pytest.raises(ValueError, match=r"role_prior.json: corrupt role prior file \(ValueError: coef \(1, 2\) and intercept \(2,\) do not fit 2 roles\)"):
        RolePrior.load(tmp_path)
    with pytest.raises(ValueError, match="needs actors of at least two roles, got \\['GOV'\\]"):
        fit_role_prior([_article("t", ("GOV", "GOV"))], "fake", 0.4, embed=_embed)


def _sure_prior(roles: list[str], role: str) -> RolePrior:
    """A prior certain of ``role`` for every actor, at weight 1."""
    prior = RolePrior("fake", roles, np.zeros((len(roles), 2)), np.array([20.0 if r == role else 0.0 for r in roles]), 1.0)
    prior.embed = lambda texts: np.ones((len(texts), 1))
    return prior


def test_given_mentions_weigh_the_prior_and_predicted_ones_only_when_the_file_says_so(run_dir, tmp_path, small_corpus):
    copy = shutil.copytree(run_dir, tmp_path / "run")
    predictor = Predictor.from_pretrained(copy, device="cpu")
    predictor.config.actors.dictionary_roles = False  # the dictionary would give the UN and Hezbollah their roles back
    article = small_corpus[0].model_copy(update={"stances": []})
    plain = article.model_copy(update={"actors": [], "mentions": []})
    before_given = predictor.predict_actors([article], gold_mentions=True)[0]
    before_tagged = predictor.predict_actors([plain])[0]
    roles = predictor.labels.roles
    sure_mil = _sure_prior(roles, "MIL")
    sure_mil.save(copy)
    loaded = Predictor.from_pretrained(copy, device="cpu")
    assert loaded.role_prior.roles == roles and loaded.role_prior.weight == 1.0
    predictor.role_prior = sure_mil
    given = predictor.predict_actors([article], gold_mentions=True)[0]
    assert {actor.role for actor in given.actors} == {"MIL"}
    assert predictor.predict_actors([plain])[0] == before_tagged  # end to end the grouping's role stands
    predictor.role_prior.end_to_end_weight = 1.0
    tagged = predictor.predict_actors([plain])[0]
    assert {actor.role for actor in tagged.actors} == {"MIL"}  # end to end too, when the file says so
    # the grouping, codes and names are the tagger's: only roles and their scores change
    assert tagged.mentions == before_tagged.mentions
    assert [(a.id, a.name, a.code) for a in tagged.actors] == [(a.id, a.name, a.code) for a in before_tagged.actors]
    predictor.role_prior.end_to_end_weight = None
    predictor.role_prior.weight = 0.0
    assert [a.role for a in predictor.predict_actors([article], gold_mentions=True)[0].actors] == [a.role for a in before_given.actors]


def test_fit_role_prior_command_writes_the_file_from_the_runs_training_split(run_dir, tmp_path, tiny_model_path):
    from typer.testing import CliRunner

    from actorstance.cli import app

    copy = shutil.copytree(run_dir, tmp_path / "run")
    result = CliRunner().invoke(app, ["fit-role-prior", str(copy), "--encoder", str(tiny_model_path), "--weight", "0.25"])
    assert result.exit_code == 0, result.output
    assert "actors of 8 articles" in result.output and "wrote" in result.output
    prior = RolePrior.load(copy)
    assert prior.encoder == str(tiny_model_path) and prior.weight == 0.25 and prior.fitted_on["split"] == "train"
    assert prior.end_to_end_weight == 0.4  # the weight chosen on validation for predicted actors
    given_only = CliRunner().invoke(app, ["fit-role-prior", str(copy), "--encoder", str(tiny_model_path), "--given-only"])
    assert given_only.exit_code == 0, given_only.output
    assert RolePrior.load(copy).end_to_end_weight is None and RolePrior.load(copy).weight == 0.75
    refused = CliRunner().invoke(app, ["fit-role-prior", str(copy), "--encoder", str(tmp_path / "nowhere")])
    assert refused.exit_code == 1 and "--encoder: cannot load the role prior's encoder" in " ".join(refused.output.split())
    assert "nowhere" in refused.output


def test_the_weight_is_the_best_mean_then_the_best_worst_run_then_the_smaller():
    assert choose_weight({0.0: [0.80, 0.80], 0.3: [0.82, 0.84], 0.5: [0.83, 0.83]}) == 0.5  # same mean, higher minimum
    assert choose_weight({0.0: [0.80, 0.80], 0.3: [0.83, 0.83], 0.5: [0.83, 0.83]}) == 0.3  # all tied: the smaller
    assert choose_weight({0.0: [0.90, 0.70], 0.3: [0.79, 0.79]}) == 0.0


def test_the_cached_embedder_reads_each_text_once():
    calls = []

    def embed(texts):
        calls.append(list(texts))
        return _embed(texts)

    embed_once = cached(embed)
    assert embed_once(["Israel", "Hezbollah", "Israel"]) == pytest.approx(np.array([[3.0, 3.0], [2.0, 0.0], [3.0, 3.0]]))
    assert embed_once(["Hezbollah", "The group"])[1] == pytest.approx([0.0, 2.0])
    assert calls == [["Israel", "Hezbollah"], ["The group"]]


def test_c_is_the_smallest_within_one_standard_error_of_the_best(monkeypatch):
    import sklearn.model_selection

    def scores(values):
        by_c = dict(zip((1.0, 3.0, 10.0, 30.0, 100.0), values))
        monkeypatch.setattr(sklearn.model_selection, "cross_val_score", lambda model, x, y, cv: np.array([by_c[model.C]]))
        return fit_role_prior(_training_articles(), "fake", 0.4, embed=_embed).fitted_on["C"]

    # 8 actors, best 0.875: one standard error is sqrt(0.875 * 0.125 / 8) = 0.117, so 0.758 is close enough
    assert scores([0.5, 0.8, 0.85, 0.87, 0.875]) == 3.0
    assert scores([0.5, 0.75, 0.85, 0.87, 0.875]) == 10.0
    assert scores([0.5, 0.6, 0.7, 0.9, 1.0]) == 100.0  # a perfect best has no error to spare


def test_the_benchmarks_end_to_end_scores_are_the_shipped_ones_without_a_weight(run_dir, small_corpus):
    from eval.metrics import score_articles

    predictor = Predictor.from_pretrained(run_dir, device="cpu")
    predictor.config.actors.dictionary_roles = False
    gold = [article.model_copy(update={"stances": []}) for article in small_corpus[:2]]
    texts = [article.model_copy(update={"actors": [], "mentions": []}) for article in gold]
    shipped = score_articles(gold, predictor.predict_actors(texts), predictor.labels)
    sure_mil = _sure_prior(predictor.labels.roles, "MIL")
    assert end_to_end_scores(predictor, gold, sure_mil, None) == {
        "mention_strict_f1": shipped["headline"]["mention_strict_f1"], "actor_role_accuracy_aligned": shipped["actors"]["role_accuracy_aligned"]
    }  # fmt: skip
    scores = end_to_end_scores(predictor, gold, sure_mil, 1.0)
    predicted = predictor.predict_actors(texts)  # the predictor keeps the prior it was last scored with
    assert predicted[0].actors and {actor.role for articles in predicted for actor in articles.actors} == {"MIL"}
    weighed = score_articles(gold, predicted, predictor.labels)
    assert scores == {"mention_strict_f1": weighed["headline"]["mention_strict_f1"], "actor_role_accuracy_aligned": weighed["actors"]["role_accuracy_aligned"]}


def test_an_encoder_that_cannot_be_loaded_is_named_with_the_file_and_the_fix(tmp_path, monkeypatch):
    prior = _sure_prior(["GOV", "MIL"], "MIL")
    prior.encoder, prior.embed = "models/not-fetched", None
    prior.save(tmp_path)
    loaded = RolePrior.load(tmp_path)
    monkeypatch.chdir(tmp_path)  # the relative folder is not there
    with pytest.raises(ValueError) as error:
        loaded.probabilities([_article()], ["GOV", "MIL"])
    message = str(error.value)
    assert message.startswith(f"{tmp_path / ROLE_PRIOR_FILE}: cannot load the role prior's encoder 'models/not-fetched' (")
    assert "scripts/fetch_mpnet.py" in message and "--encoder" in message


def test_training_with_roles_prior_fits_it_on_the_training_split_and_the_run_uses_it(small_corpus_file, tiny_model_path, tmp_path):
    from train import train

    from .tiny_run import tiny_config

    config = tiny_config(small_corpus_file, tiny_model_path, tmp_path, f"roles.prior.encoder={tiny_model_path}", "roles.prior.weight=0.5")
    run = train(config)
    prior = RolePrior.load(run)
    assert (prior.encoder, prior.weight, prior.end_to_end_weight) == (tiny_model_path, 0.5, 0.4)  # the end-to-end default
    metrics = json.loads((run / "metrics.json").read_text())
    assert metrics["role_prior"]["split"] == "train" and metrics["role_prior"]["actors"] == prior.fitted_on["actors"] > 0
    assert Predictor.from_pretrained(run, device="cpu").role_prior.coef.shape == prior.coef.shape


def test_a_roles_prior_whose_encoder_cannot_be_loaded_fails_before_training(small_corpus_file, tiny_model_path, tmp_path):
    from train import train

    from .tiny_run import tiny_config

    config = tiny_config(small_corpus_file, tiny_model_path, tmp_path, f"roles.prior.encoder={tmp_path / 'not-fetched'}")
    with pytest.raises(ValueError, match=r"roles.prior.encoder: cannot load the role prior's encoder '.*not-fetched' \(.*\); fetch it"):
        train(config)
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_a_roles_prior_needs_the_token_vote():
    from actorstance.config import ConfigError, load_config

    with pytest.raises(ConfigError, match="prior needs decision: token_vote"):
        load_config("configs/roles-actor.yaml", ["roles.prior.encoder=models/all-mpnet-base-v2"])


def test_a_run_whose_prior_decides_end_to_end_loads_its_encoder_with_the_run(run_dir, tmp_path):
    from actorstance.run import RunDirError

    copy = shutil.copytree(run_dir, tmp_path / "run")
    prior = _sure_prior(Predictor.from_pretrained(copy, device="cpu").labels.roles, "MIL")
    prior.encoder = str(tmp_path / "not-fetched")
    prior.save(copy)  # given mentions only: the encoder is read when given mentions come
    assert Predictor.from_pretrained(copy, device="cpu").role_prior.embed is None
    prior.end_to_end_weight = 0.4
    prior.save(copy)  # every prediction needs it: the run does not load without it
    with pytest.raises(RunDirError, match=r"role_prior.json: cannot load the role prior's encoder '.*not-fetched'"):
        Predictor.from_pretrained(copy, device="cpu")

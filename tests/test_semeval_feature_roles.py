"""benchmarks/semeval_feature_roles.py: an entity's features, the grouped inner CV and the fine roles,
on hand-made articles (not the SemEval data)."""

from __future__ import annotations

import numpy as np
import pytest

from actorstance.schema import Actor, Article, Mention
from benchmarks import semeval_feature_roles as roles
from benchmarks.semeval_feature_roles import (
    EntityRow,
    FineRoles,
    InnerSplits,
    RoleFeatures,
    best_candidate,
    entity_rows,
    fit_fold,
    mention_contexts,
    paired_intervals,
)

MAIN_OF = {"Instigator": "Antagonist", "Tyrant": "Antagonist", "Guardian": "Protagonist", "Victim": "Innocent"}
SENTENCES = {
    "Instigator": "Yesterday {} shelled the town and attacked the border.",
    "Tyrant": "In the capital {} jailed critics and attacked the press.",
    "Guardian": "The volunteers said {} defended the town and helped everyone.",
    "Victim": "Rockets killed {} civilians and wounded many children.",
}


def _article(article_id: str, entities: list[tuple[str, str]]) -> Article:
    """One sentence per (name, fine role), the entity's mention inside it."""
    text, actors, mentions = "", [], []
    for index, (name, role) in enumerate(entities):
        sentence = SENTENCES[role].format(name)
        start = len(text) + sentence.index(name)
        actors.append(Actor(id=f"E{index + 1}", name=name, role=role))
        mentions.append(Mention(start=start, end=start + len(name), text=name, actor=f"E{index + 1}"))
        text += sentence + " "
    return Article(id=article_id, text=text.strip(), actors=actors, mentions=mentions)


def _embed(texts: list[str]) -> np.ndarray:
    """A stand-in sentence encoder: unit vectors of a few word counts."""
    words = ("shelled", "jailed", "defended", "killed")
    vectors = np.array([[text.count(w) for w in words] + [1.0] for text in texts], dtype=float)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def _corpus(count: int = 12) -> list[Article]:
    names = ["Aland", "Borov", "Cessa", "Dunmark", "Ekron", "Fyr"]
    return [
        _article(f"a{index:02d}", [(names[index % 6], "Instigator"), (names[(index + 1) % 6], "Guardian"),
                                   (names[(index + 2) % 6], "Victim"), (names[(index + 3) % 6], "Tyrant")])
        for index in range(count)
    ]  # fmt: skip


def _sentiment(articles) -> dict:
    tone = {"Antagonist": [-3.0, -0.1, -2.0], "Protagonist": [-0.1, -3.0, -2.0], "Innocent": [-2.0, -0.5, -1.0]}
    return {(a.id, actor.id): np.array(tone[MAIN_OF[actor.role]]) for a in articles for actor in a.actors}


def test_window_holds_the_words_either_side_inside_the_sentence_without_the_mention():
    article = _article("a", [("Aland", "Instigator"), ("Borov", "Victim")])
    contexts = mention_contexts(article, window=2)
    assert contexts["E1"] == [
        {
            "window": "Yesterday shelled the",
            "masked": "Yesterday shelled the town and attacked the border.",
            "sentence": "Yesterday Aland shelled the town and attacked the border.",
        }
    ]
    assert contexts["E2"][0]["window"] == "Rockets killed civilians and"  # the first sentence is not reached
    assert mention_contexts(article, window=0)["E1"][0]["window"] == ""


def test_entity_rows_carry_every_group_and_average_the_embedding_over_mentions():
    article = _article("a", [("Aland", "Instigator"), ("Borov", "Victim")])
    # a second mention of Aland, in the victims' sentence
    second = article.text.index("civilians")
    article = article.model_copy(update={"mentions": [*article.mentions, Mention(start=second, end=second + 9, text="civilians", actor="E1")]})
    rows = entity_rows([article], window=3, embed=_embed, sentiment=_sentiment([article]))
    assert [(row.article, row.actor) for row in rows] == [("a", "E1"), ("a", "E2")]
    first = rows[0]
    assert first.texts["name"] == "Aland" and first.texts["article"] == article.text
    assert first.texts["window"] == "Yesterday shelled the town Rockets killed Borov and wounded many"
    np.testing.assert_allclose(first.dense["sentiment"], [-3.0, -0.1, -2.0])
    sentences = [article.text[: article.text.index(" Rockets")], article.text[article.text.index("Rockets") :]]
    np.testing.assert_allclose(first.dense["embedding"], _embed(sentences).mean(axis=0))
    assert rows[1].dense["embedding"].shape == (5,)
    assert "embedding" not in entity_rows([article], sentiment=_sentiment([article]))[0].dense


def test_features_are_fitted_on_the_fit_rows_only_and_have_the_expected_columns():
    rows = entity_rows(_corpus(4), embed=_embed, sentiment=_sentiment(_corpus(4)))
    features = RoleFeatures(("sentiment", "window", "embedding")).fit(rows)
    vocabulary = features.blocks_["window"].vocabulary_
    assert {"shelled", "killed", "defended"} <= set(vocabulary)
    x = features.transform(rows)
    assert x.shape == (16, 3 + len(vocabulary) + 5)
    dense = x[:, :3].toarray()
    np.testing.assert_allclose(dense.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose((dense**2).sum(axis=1).mean(), 1.0)  # standardised, divided by sqrt(3)
    unseen = EntityRow("z", "E1", {"window": "entirely novel words"}, {"sentiment": np.zeros(3), "embedding": np.ones(5)})
    assert features.transform([unseen])[:, 3 : 3 + len(vocabulary)].nnz == 0
    with pytest.raises(ValueError, match="unknown feature group"):
        RoleFeatures(("colour",)).fit(rows)


def test_a_group_without_any_shared_word_adds_no_column():
    rows = [EntityRow("a", "E1", {"name": "Aland"}), EntityRow("b", "E1", {"name": "Borov"})]
    assert RoleFeatures(("name",)).fit(rows).transform(rows).shape == (2, 1)


def test_inner_cv_never_sees_held_out_articles_and_keeps_articles_whole(monkeypatch):
    articles = _corpus(12)
    training, held_out = articles[:9], articles[9:]
    rows = entity_rows(articles, embed=_embed, sentiment=_sentiment(articles))
    training_rows = [row for row in rows if row.article in {a.id for a in training}]
    seen: list[set[str]] = []
    original = RoleFeatures.fit

    def spy(self, fit_rows, y=None):
        seen.append({row.article for row in fit_rows})
        return original(self, fit_rows, y)

    monkeypatch.setattr(RoleFeatures, "fit", spy)
    model, chosen = fit_fold(training_rows, training, MAIN_OF, (("window",), ("sentiment", "embedding")))
    assert seen and all(not articles_seen & {a.id for a in held_out} for articles_seen in seen)
    assert all(len(articles_seen) < 9 for articles_seen in seen[:-2])  # inner fits: part of the training articles
    inner = InnerSplits(training_rows, np.zeros(len(training_rows)), [row.article for row in training_rows])
    for train, valid in inner.folds:
        assert not {training_rows[i].article for i in train} & {training_rows[i].article for i in valid}
    assert chosen["feature_set"] in {"window", "sentiment+embedding"}


def test_the_fine_role_is_always_inside_the_predicted_main_role():
    articles = _corpus(12)
    rows = entity_rows(articles, embed=_embed, sentiment=_sentiment(articles))
    model, chosen = fit_fold(rows[:36], articles[:9], MAIN_OF, (("window",), ("sentiment",)))
    mains, fines = model.predict(np.asarray(rows[36:], dtype=object))
    assert all(MAIN_OF[fine] == main for main, fine in zip(mains, fines))
    truth = [MAIN_OF[actor.role] for a in articles[9:] for actor in a.actors]
    assert np.mean(np.array(mains) == np.array(truth)) == 1.0  # the words and the sentiment separate the roles
    assert chosen["inner_main_accuracy"] == pytest.approx(1.0)


def test_a_fine_role_regression_is_restricted_to_the_given_main_role():
    x = np.array([[1.0, 0.0]] * 6 + [[0.0, 1.0]] * 6 + [[0.5, 0.5]] * 4)
    fine = ["Instigator"] * 6 + ["Guardian"] * 6 + ["Tyrant"] * 4
    model = FineRoles(MAIN_OF, 10.0).fit(x, fine)
    # the row looks like a Guardian, but the main role says Antagonist: the best Antagonist role wins
    assert model.predict(np.array([[0.0, 1.0]]), ["Antagonist"]) in (["Tyrant"], ["Instigator"])
    assert model.predict(np.array([[0.0, 1.0]]), ["Protagonist"]) == ["Guardian"]
    frequent = FineRoles(MAIN_OF).fit(x, fine)
    assert frequent.predict(x[:2], ["Antagonist", "Protagonist"]) == ["Instigator", "Guardian"]


def test_ties_in_the_inner_cv_go_to_the_simplest_candidate():
    sets = (("sentiment",), ("sentiment", "window"))
    scores = {(fs, c, w): 0.5 for fs in sets for c in roles.C_GRID for w in roles.CLASS_WEIGHTS}
    assert best_candidate(scores, sets) == (("sentiment",), roles.C_GRID[0], None)
    scores[(sets[1], 1.0, "balanced")] = 0.6
    assert best_candidate(scores, sets) == (sets[1], 1.0, "balanced")


def test_paired_intervals_hold_the_pooled_scores_and_gains():
    gold = [_article("a", [("Aland", "Instigator"), ("Borov", "Guardian"), ("Cessa", "Victim")]),
            _article("b", [("Dunmark", "Guardian")])]  # fmt: skip
    model = [_article("a", [("Aland", "Instigator"), ("Borov", "Guardian"), ("Cessa", "Tyrant")]),
             _article("b", [("Dunmark", "Tyrant")])]  # fmt: skip
    other = [_article("a", [("Aland", "Tyrant"), ("Borov", "Tyrant"), ("Cessa", "Tyrant")]),
             _article("b", [("Dunmark", "Tyrant")])]  # fmt: skip
    majority = [("Antagonist", "Instigator")] * 2
    result = paired_intervals(gold, {"model": model, "other": other}, majority, MAIN_OF)
    assert result["main_role_accuracy"]["value"] == pytest.approx(2 / 4)
    assert result["gain_over_majority"]["value"] == pytest.approx((2 - 1) / 4)
    assert result["gain_over_other"]["value"] == pytest.approx((2 - 1) / 4)
    assert result["emr"]["value"] == pytest.approx(2 / 4)
    assert result["emr_gain_over_majority"]["value"] == pytest.approx((2 - 1) / 4)
    assert result["emr_gain_over_other"]["value"] == pytest.approx((2 - 0) / 4)
    for entry in result.values():
        assert entry["ci_low"] <= entry["value"] <= entry["ci_high"]


def test_other_actors_join_the_given_entities_where_they_do_not_overlap():
    from benchmarks.semeval_directed import OTHER, with_other_actors

    text = "Russian troops shelled Kharkiv, and the Ukrainian army held the line."
    given = Article(
        id="a", text=text,
        actors=[Actor(id="E1", name="Kharkiv", role="Victim")],
        mentions=[Mention(start=23, end=30, text="Kharkiv", actor="E1")],
    )  # fmt: skip
    tagged = Article(
        id="a", text=text,
        actors=[Actor(id="RUS_MIL", name="Russia (MIL)", role="MIL"), Actor(id="KHA", name="Kharkiv", role="CIV"),
                Actor(id="UKR_MIL", name="Ukraine (MIL)", role="MIL")],
        mentions=[Mention(start=0, end=14, text="Russian troops", actor="RUS_MIL"), Mention(start=23, end=30, text="Kharkiv", actor="KHA"),
                  Mention(start=36, end=54, text="the Ukrainian army", actor="UKR_MIL")],
    )  # fmt: skip
    extended = with_other_actors(given, tagged)
    assert [(m.text, m.actor) for m in extended.mentions] == [
        ("Kharkiv", "E1"), ("Russian troops", OTHER + "RUS_MIL"), ("the Ukrainian army", OTHER + "UKR_MIL"),
    ]  # fmt: skip
    assert [a.id for a in extended.actors] == ["E1", OTHER + "RUS_MIL", OTHER + "UKR_MIL"]
    assert extended.actors[0].role == "Victim" and extended.stances == []

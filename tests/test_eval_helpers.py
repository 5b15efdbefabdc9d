"""Builders shared by the tests/test_eval_*.py files (holds no tests itself)."""

from __future__ import annotations

from pathlib import Path

from actorstance.schema import Actor, Article, Mention, Span, Stance

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "eval"
TINY = FIXTURES / "tiny.jsonl"

# "Jordan and Iran met. Daesh attacked Jordan."
TEXT = "Jordan and Iran met. Daesh attacked Jordan."
SPANS = {"Jordan": (0, 6), "Iran": (11, 15), "Daesh": (21, 26), "Jordan2": (36, 42), "Daesh attacked": (21, 35)}


def article(
    mentions: list[tuple[str, str]],
    roles: dict[str, str],
    stances: list[tuple[str, str, str]] = (),
    article_id: str = "a",
    text: str = TEXT,
    names: dict[str, str] | None = None,
) -> Article:
    """``mentions``: (SPANS key, actor id); ``roles``: actor id -> role; ``stances``: (holder, target, label)."""
    items = [Mention(start=SPANS[key][0], end=SPANS[key][1], text=text[SPANS[key][0] : SPANS[key][1]], actor=actor) for key, actor in mentions]
    return Article(
        id=article_id,
        text=text,
        actors=[Actor(id=actor_id, name=(names or {}).get(actor_id, actor_id), role=role) for actor_id, role in roles.items()],
        mentions=items,
        stances=[Stance(holder=h, target=t, label=label, evidence=[Span(start=0, end=19)]) for h, t, label in stances],
    )


GOLD_MENTIONS = [("Jordan", "JOR"), ("Iran", "IRN"), ("Daesh", "DAESH"), ("Jordan2", "JOR")]
GOLD_ROLES = {"JOR": "GOV", "IRN": "GOV", "DAESH": "TERROR"}


def gold_article(stances=(("DAESH", "JOR", "OPPOSE"), ("JOR", "IRN", "SUPPORT")), article_id: str = "a") -> Article:
    return article(GOLD_MENTIONS, GOLD_ROLES, list(stances), article_id)


class FakePredictor:
    """The two members the harness uses, as the lead's Predictor has them.

    End to end: the gold articles (looked up by id) with every ``GOV`` mention tagged ``MIL`` in
    the first article and one stance dropped; with gold mentions: gold actors, the last actor's role
    replaced and the first stance reversed.
    """

    def __init__(self, gold: list[Article], labels, variant: int = 0, tasks=("roles", "stance")):
        self.labels = labels
        self.tasks = tasks
        self.gold = {a.id: a for a in gold}
        self.variant = variant
        self.calls: list[bool] = []

    def predict_articles(self, articles, *, gold_mentions: bool = False):
        self.calls.append(gold_mentions)
        results = []
        for index, given in enumerate(articles):
            if not gold_mentions:
                assert not given.mentions and not given.actors and not given.stances, "end-to-end input must be stripped"
            else:
                assert not given.stances, "gold-mention input must have no stances"
            gold = self.gold[given.id]
            predicted = gold.model_copy(deep=True)
            predicted.split = None
            if gold_mentions:
                if self.variant and predicted.actors:
                    last = predicted.actors[-1]
                    predicted.actors[-1] = last.model_copy(update={"role": "CIV" if last.role != "CIV" else "GOV"})
                if predicted.stances:
                    first = predicted.stances[0]
                    predicted.stances[0] = first.model_copy(update={"holder": first.target, "target": first.holder, "score": 0.9})
                    if first.holder == "AUTHOR":
                        predicted.stances.pop(0)
            else:
                if index == 0:
                    predicted.actors = [a.model_copy(update={"role": "MIL"}) if a.role == "GOV" else a for a in predicted.actors]
                predicted.stances = predicted.stances[self.variant :]
            results.append(predicted)
        return results


def test_gold_edge_distances_count_sentences_between_the_nearest_mentions():
    from eval.errors import gold_edge_distances

    from .conftest import make_article

    article = make_article(
        "reach", "Iran backs Hezbollah. The UN met. Oman spoke. Hezbollah left. Iran and Oman met. Qatar waited.",
        [("Iran", "IRN"), ("Hezbollah", "HEZ"), ("The UN", "UN"), ("Oman", "OMN"), ("Hezbollah", "HEZ"), ("Iran", "IRN"),
         ("Oman", "OMN"), ("Qatar", "QAT")],
        [("IRN", "HEZ", "SUPPORT", "Iran backs Hezbollah"), ("UN", "OMN", "NEUTRAL", "The UN met"),
         ("UN", "HEZ", "OPPOSE", "The UN met"), ("OMN", "IRN", "SUPPORT", "Iran and Oman met"), ("UN", "QAT", "NEUTRAL", "Qatar waited")],
    )  # fmt: skip
    # UN (sentence 1) to Oman (2, 4): 1; UN to Hezbollah (0, 3): 1 either way; Oman and Iran share sentence 4;
    # Qatar (5) is four sentences after the UN
    assert gold_edge_distances(article) == [0, 1, 1, 0, 4]


def test_edge_losses_put_each_gold_edge_at_the_first_step_that_loses_it():
    from actorstance.schema import Span, Stance
    from eval.errors import EDGE_STEPS, edge_losses

    from .conftest import make_article

    text = "Iran backs Hezbollah. Oman and Qatar met. Israel struck Gaza. The UN and Egypt talked. Syria refused. Jordan urged Syria to talk."
    gold = make_article(
        "losses", text,
        [("Iran", "IRN"), ("Hezbollah", "HEZ"), ("Oman", "OMN"), ("Qatar", "QAT"), ("Israel", "ISR"), ("Gaza", "GAZ"),
         ("The UN", "UN"), ("Egypt", "EGY"), ("Syria", "SYR"), ("Jordan", "JOR"), ("Syria", "SYR")],
        [("IRN", "HEZ", "SUPPORT", "Iran backs"), ("AUTHOR", "HEZ", "OPPOSE", "Hezbollah"), ("OMN", "QAT", "SUPPORT", "Oman"),
         ("ISR", "GAZ", "OPPOSE", "Israel"), ("UN", "EGY", "NEUTRAL", "The UN"), ("JOR", "SYR", "SUPPORT", "Jordan urged"),
         ("IRN", "JOR", "OPPOSE", "Iran"), ("AUTHOR", "ISR", "OPPOSE", "Israel")],
    )  # fmt: skip
    # predicted: "The UN" missed, and only the first "Syria" found (so Jordan and Syria never share a sentence)
    predicted = make_article(
        "losses", text,
        [("Iran", "p1"), ("Hezbollah", "p2"), ("Oman", "p3"), ("Qatar", "p4"), ("Israel", "p5"), ("Gaza", "p6"),
         ("Egypt", "p7"), ("Syria", "p8"), ("Jordan", "p9")],
    )  # fmt: skip

    def edge(holder, target, label, score):
        return Stance(holder=holder, target=target, label=label, evidence=[Span(start=0, end=4)], score=score)

    predicted.stances = [edge("p1", "p2", "SUPPORT", 0.9), edge("AUTHOR", "p2", "OPPOSE", 0.7), edge("p3", "p4", "NEUTRAL", 0.8),
                         edge("p5", "p6", "OPPOSE", 0.3), edge("p2", "p1", "OPPOSE", 0.2)]  # fmt: skip
    counts = edge_losses(gold, predicted, threshold=0.5)
    assert dict(counts) == {
        "right": 2, "wrong label": 1, "below threshold": 1, "actor not found": 1, "not together": 1, "apart": 1,
        "actor without mentions": 1,
    }  # fmt: skip
    assert set(counts) == set(EDGE_STEPS)
    # at threshold 0.2 Israel -> Gaza is kept, and right
    assert edge_losses(gold, predicted, threshold=0.2)["right"] == 3
    # a kept edge is right however far apart the gold mentions are (the prediction may pair its own mentions)
    predicted.stances.append(edge("p1", "p9", "OPPOSE", 0.6))
    assert edge_losses(gold, predicted, threshold=0.5)["right"] == 3
    assert edge_losses(gold, predicted, threshold=0.5)["apart"] == 0


def test_edge_sources_say_what_each_kept_edge_is_in_the_gold_graph():
    from actorstance.schema import Span, Stance
    from eval.errors import EDGE_SOURCES, edge_sources

    from .conftest import make_article

    text = "Iran backs Hezbollah, Tehran said. Oman and Qatar met. Israel struck Gaza. The UN and Egypt talked. Syria refused."
    gold = make_article(
        "sources", text,
        [("Iran", "IRN"), ("Hezbollah", "HEZ"), ("Tehran", "IRN"), ("Oman", "OMN"), ("Qatar", "QAT"), ("Israel", "ISR"),
         ("Gaza", "GAZ"), ("The UN", "UN"), ("Egypt", "EGY")],
        [("IRN", "HEZ", "SUPPORT", "Iran backs"), ("OMN", "QAT", "SUPPORT", "Oman"), ("GAZ", "ISR", "OPPOSE", "Israel"),
         ("UN", "EGY", "NEUTRAL", "The UN")],
    )  # fmt: skip
    # predicted: "Tehran" an actor of its own, "UN" without its "The", "Syria" an actor the annotation lacks
    predicted = make_article(
        "sources", text,
        [("Iran", "p1"), ("Hezbollah", "p2"), ("Tehran", "p10"), ("Oman", "p3"), ("Qatar", "p4"), ("Israel", "p5"),
         ("Gaza", "p6"), ("UN", "p7"), ("Egypt", "p8"), ("Syria", "p9")],
    )  # fmt: skip

    def edge(holder, target, label, score):
        return Stance(holder=holder, target=target, label=label, evidence=[Span(start=0, end=4)], score=score)

    predicted.stances = [
        edge("p1", "p2", "SUPPORT", 0.9), edge("p3", "p4", "OPPOSE", 0.8), edge("p5", "p6", "OPPOSE", 0.7),
        edge("p3", "p6", "OPPOSE", 0.6), edge("p7", "p8", "NEUTRAL", 0.9), edge("p10", "p2", "SUPPORT", 0.9),
        edge("p9", "p7", "OPPOSE", 0.9), edge("p9", "p8", "OPPOSE", 0.95), edge("p1", "p6", "OPPOSE", 0.3),
    ]  # fmt: skip
    counts = edge_sources(gold, predicted, threshold=0.5)
    assert dict(counts) == {
        "right": 1, "wrong label": 1, "reverse of a gold edge": 1, "pair without a stance": 1,
        "actor split off a gold actor": 1, "actor with other boundaries": 2, "actor not annotated": 1,
    }  # fmt: skip
    assert set(counts) == set(EDGE_SOURCES)
    # at threshold 0.2 Iran -> Gaza is kept too: a pair the gold graph has no stance for
    assert edge_sources(gold, predicted, threshold=0.2)["pair without a stance"] == 2
    assert sum(edge_sources(gold, predicted, threshold=0.96).values()) == 0

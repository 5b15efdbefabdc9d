"""A person's name variants across articles ("Biden", "Mr Biden", "Joe Biden") become one network node."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from actorstance.actor_dictionary import ActorDictionary
from actorstance.cli import app
from actorstance.network import build_network
from actorstance.person_names import NodeName, SurnameEvidence, person_merges
from actorstance.schema import Actor, Article, Mention, Span, Stance
from actorstance.titles import bare_name


@pytest.fixture(scope="module")
def dictionary():
    return ActorDictionary.default()


@pytest.mark.parametrize(
    ("name", "bare"),
    [
        ("President Joe Biden", ("Joe Biden", True)),
        ("Mr. Sunak", ("Sunak", True)),
        ("Former President Trump", ("Trump", True)),
        ("Defence Secretary Grant Shapps", ("Grant Shapps", True)),
        ("the Islamic State", ("Islamic State", False)),
        ("former Soviet Union", ("former Soviet Union", False)),  # "former" alone is no title
        ("Prime Minister", ("Prime Minister", False)),  # nothing left after the title
        ("President of the Republic", ("President of the Republic", False)),  # no name after it
    ],
)
def test_bare_name_takes_off_titles_only_before_a_name(name, bare):
    assert bare_name(name) == bare


def test_given_names_come_from_the_leaders_of_the_dictionary(dictionary):
    assert [dictionary.is_given_name(word) for word in ("Joe", "yevgeny", "Olaf")] == [True, True, True]
    # first words of states' names, determiners and agent nouns are none
    assert [dictionary.is_given_name(word) for word in ("United", "New", "the", "President", "Biden")] == [False] * 5


def _article(text: str, actors: list[tuple[str, str, str | None]], spans: list[tuple[str, str]], stances=()) -> Article:
    """``spans``: (actor id, surface) in order of appearance; each surface found after the previous one."""
    mentions, cursor = [], 0
    for actor, surface in spans:
        start = text.index(surface, cursor)
        mentions.append(Mention(start=start, end=start + len(surface), text=surface, actor=actor))
        cursor = start + len(surface)
    return Article(
        id=str(abs(hash(text)) % 10**8), text=text, mentions=mentions,
        actors=[Actor(id=actor_id, name=name, role="GOV", code=code) for actor_id, name, code in actors],
        stances=[Stance(holder=h, target=t, label=label, score=score, evidence=[Span(start=0, end=5)]) for h, t, label, score in stances],
    )  # fmt: skip


def _evidence(text: str, surfaces: list[str], word: str) -> SurnameEvidence:
    article = _article(text, [("A", word, None)], [("A", surface) for surface in surfaces])
    evidence = SurnameEvidence()
    evidence.add(word, article, article.actors[0], headlines=list)
    return evidence


def test_surname_evidence_counts_each_mention_and_its_capitalised_neighbour():
    evidence = _evidence("Biden spoke. Later Mr Biden left, and Joe Biden's aides said Biden Was Here.", ["Biden"] * 4, "Biden")
    # "Mr" is a title; "Joe" and "Was" are capitalised neighbours
    assert (evidence.common, evidence.mentions, dict(evidence.beside)) == (False, 4, {"joe": 1, "was": 1})
    assert evidence.lone_surname_of("joe")  # 1 of 4 beside another name: under half
    assert not evidence.lone_surname_of("hunter")  # 2 of 4 beside another name
    assert _evidence("Markets fell in the North. North was calm.", ["North", "North"], "North").common  # after "the"
    assert _evidence("Brown said so; the brown bears slept.", ["Brown"], "Brown").common  # written in lower case
    assert dict(_evidence("Analysts at the Financial Times wrote.", ["Times"], "Times").beside) == {"financial": 1}


def _node(key, name, articles=1, linked=False, lone=True):
    evidence = SurnameEvidence(mentions=1) if lone else SurnameEvidence(common=True, mentions=1)
    return NodeName(key, name, articles, linked, evidence if len(bare_name(name)[0].split()) == 1 else None)


def test_person_merges(dictionary):
    nodes = [
        _node("USA:Joe Biden", "Joe Biden", 3, linked=True),
        _node("biden", "Biden"),
        _node("president biden", "President Biden"),
        _node("zorvan quillby", "Zorvan Quillby", 2),  # "Zorvan" begins no leader's name in the dictionary ...
        _node("quillby", "Quillby"),
        _node("mr quillby", "Mr Quillby"),  # ... but "Mr Quillby" makes Quillby a person's surname
        _node("prime minister zorvan quillby", "Prime Minister Zorvan Quillby"),
        _node("vitali klitschko", "Vitali Klitschko"),
        _node("wladimir klitschko", "Wladimir Klitschko"),
        _node("klitschko", "Klitschko"),  # two persons of that surname
        _node("ray charles", "Ray Charles"),
        _node("king charles", "King Charles"),  # a given name is no surname
        _node("olaf scholz", "Olaf Scholz"),
        _node("scholz", "Scholz", lone=False),  # written as no surname (in lower case, after "the", ...)
        _node("soviet union", "Soviet Union", 4),
        _node("former soviet union", "former Soviet Union"),
        _node("kachin army", "Kachin Army"),
        _node("army", "Army"),  # the dictionary's agent noun
    ]
    assert person_merges(nodes, dictionary) == {
        "biden": "USA:Joe Biden",
        "president biden": "USA:Joe Biden",
        "quillby": "zorvan quillby",
        "mr quillby": "zorvan quillby",
        "prime minister zorvan quillby": "zorvan quillby",
    }
    # without the titles, nothing says that "Quillby" is a person's surname
    without_titles = [node for node in nodes if node.key not in ("mr quillby", "prime minister zorvan quillby")]
    assert "quillby" not in person_merges(without_titles, dictionary)


def _archive() -> list[Article]:
    first = _article(
        "Joe Biden criticised Russia. Russia answered.", [("B", "Joe Biden", "USA:Joe Biden"), ("R", "Russia", "RUS")],
        [("B", "Joe Biden"), ("R", "Russia"), ("R", "Russia")], [("B", "R", "OPPOSE", 0.8)],
    )  # fmt: skip
    second = _article(
        "Biden met Russia's envoy. Biden warned Russia.", [("B", "Biden", None), ("R", "Russia", "RUS")],
        [("B", "Biden"), ("R", "Russia"), ("B", "Biden"), ("R", "Russia")], [("B", "R", "OPPOSE", 0.6), ("R", "B", "NEUTRAL", 0.5)],
    )  # fmt: skip
    return [first, second]


def test_the_network_folds_a_surname_into_its_person():
    graph = build_network(_archive())
    assert sorted(graph.nodes) == ["RUS", "USA:Joe Biden"] and graph.graph["merged"] == {"biden": "USA:Joe Biden"}
    person = graph.nodes["USA:Joe Biden"]
    assert (person["name"], person["aliases"], person["mentions"], person["articles"]) == ("Joe Biden", ["Biden"], 3, 2)
    edge = graph.edges["USA:Joe Biden", "RUS", "all"]
    assert (edge["counts"], edge["score"], edge["total"], len(edge["articles"])) == ({"OPPOSE": 2}, 0.7, 2, 2)
    assert graph.edges["RUS", "USA:Joe Biden", "all"]["counts"] == {"NEUTRAL": 1}
    kept = build_network(_archive(), merge_person_names=False)
    assert sorted(kept.nodes) == ["RUS", "USA:Joe Biden", "biden"]


def test_cli_keeps_name_variants_when_asked(tmp_path):
    predictions = tmp_path / "p.jsonl"
    predictions.write_text("".join(json.dumps(article.to_dict()) + "\n" for article in _archive()), encoding="utf-8")
    runner = CliRunner()
    merged = runner.invoke(app, ["network", str(predictions), "-o", str(tmp_path / "merged.json")])
    kept = runner.invoke(app, ["network", str(predictions), "-o", str(tmp_path / "kept.json"), "--keep-name-variants"])
    assert merged.exit_code == kept.exit_code == 0
    assert "wrote 2 actor(s) and 2 edge(s)" in merged.stderr and "wrote 3 actor(s) and 3 edge(s)" in kept.stderr


def test_the_web_news_benchmark_writes_both_networks_and_every_fold(tmp_path, monkeypatch):
    from pathlib import Path

    from actorstance import predict_io
    from benchmarks.web_news_network import run

    class ArchivePredictor:  # the two articles of `_archive`, whatever the pages
        def predict(self, texts, batch_size):
            return _archive()

    monkeypatch.setattr(predict_io, "load_predictor", lambda run_dir, overrides: ArchivePredictor())
    output = tmp_path / "network.json"
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.jsonl").write_text("".join(json.dumps(article.to_dict()) + "\n" for article in _archive()), encoding="utf-8")
    result = run(Path("runs/any"), Path(__file__).parent / "fixtures" / "external" / "semeval2025", output, corpus)
    assert json.loads(output.read_text(encoding="utf-8")) == result
    assert (result["name_variants_kept"], result["name_variants_merged"]) == ({"nodes": 3, "edges": 3}, {"nodes": 2, "edges": 2})
    assert result["merged"] == {"biden": "USA:Joe Biden"} and result["pages"] == 2
    assert result["corpus"] == {"articles": 2, "merged": {"biden": "USA:Joe Biden"}}

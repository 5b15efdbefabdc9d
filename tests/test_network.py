"""``actorstance network``: stance edges aggregated across articles, hand-computed figures, exports, and the view in a browser."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import networkx as nx
import pytest
from typer.testing import CliRunner

from actorstance.cli import app
from actorstance.network import build_network, network_data, network_figures, time_slice, write_network
from actorstance.schema import Actor, Article, Span, Stance

runner = CliRunner()


def _article(article_id, date, actors, stances):
    text = " ".join(f"{name} acts." for _, name, _ in actors) + " Evidence sentence here."
    built = [Actor(id=actor_id, name=name, role="GOV", code=code) for actor_id, name, code in actors]
    start = text.index("Evidence")
    return Article(
        id=article_id, text=text, actors=built, meta={"date": date} if date else {},
        stances=[Stance(holder=h, target=t, label=label, score=score, evidence=[Span(start=start, end=start + 8)]) for h, t, label, score in stances],
    )  # fmt: skip


@pytest.fixture
def articles():
    """Iran (IRN; "Tehran" in a2) and Hezbollah back each other; Israel and Hezbollah oppose each other."""
    return [
        _article("a1", "2024-03-05", [("I", "Iran", "IRN"), ("H", "Hezbollah", None)], [("I", "H", "SUPPORT", 0.9)]),
        _article("a2", "2024-03-20", [("T", "Tehran", "IRN"), ("H", "the Hezbollah", None)],
                 [("T", "H", "SUPPORT", 0.7), ("H", "T", "SUPPORT", 0.8)]),
        _article("a3", "2024-04-02", [("S", "Israel", "ISR"), ("H", "Hezbollah", None)],
                 [("S", "H", "OPPOSE", 0.6), ("H", "S", "OPPOSE", 0.95), ("AUTHOR", "S", "OPPOSE", 0.7)]),
        _article("a4", None, [("I", "Iran", "IRN"), ("S", "Israel", "ISR")], [("I", "S", "OPPOSE", 0.4)]),
    ]  # fmt: skip


def _edges(graph):
    return {(h, t, k): (d["counts"], d["score"], d["articles"]) for h, t, k, d in graph.edges(keys=True, data=True)}


def test_nodes_key_on_code_else_normalised_name(articles):
    graph = build_network(articles)
    assert sorted(graph.nodes) == ["IRN", "ISR", "hezbollah"]
    assert graph.nodes["IRN"] == {"name": "Iran", "aliases": ["Tehran"], "code": "IRN", "role": "GOV", "role_counts": {"GOV": 3}, "mentions": 0, "articles": 3}
    assert graph.nodes["hezbollah"]["articles"] == 3 and graph.nodes["hezbollah"]["code"] is None
    assert _edges(graph) == {
        ("IRN", "hezbollah", "all"): ({"SUPPORT": 2}, 0.8, ["a1", "a2"]),
        ("hezbollah", "IRN", "all"): ({"SUPPORT": 1}, 0.8, ["a2"]),
        ("ISR", "hezbollah", "all"): ({"OPPOSE": 1}, 0.6, ["a3"]),
        ("hezbollah", "ISR", "all"): ({"OPPOSE": 1}, 0.95, ["a3"]),
        ("IRN", "ISR", "all"): ({"OPPOSE": 1}, 0.4, ["a4"]),
    }
    evidence = graph.edges["IRN", "hezbollah", "all"]["evidence"]
    assert evidence == [{"article": "a1", "text": "Evidence"}, {"article": "a2", "text": "Evidence"}]


def test_filters_slices_and_author(articles):
    assert ("IRN", "ISR", "all") not in _edges(build_network(articles, min_score=0.5))
    assert list(_edges(build_network(articles, min_articles=2))) == [("IRN", "hezbollah", "all")]
    monthly = build_network(articles, by="month")
    assert monthly.graph["slices"] == ["2024-03", "2024-04", "undated"]
    assert sorted(_edges(monthly)) == [
        ("IRN", "ISR", "undated"), ("IRN", "hezbollah", "2024-03"), ("ISR", "hezbollah", "2024-04"),
        ("hezbollah", "IRN", "2024-03"), ("hezbollah", "ISR", "2024-04"),
    ]  # fmt: skip
    assert time_slice({"date": "2024-03-05"}, "week") == "2024-W10" and time_slice({"date": "soon"}, "month") == "undated"
    with_author = build_network(articles, include_author=True)
    assert _edges(with_author)[("AUTHOR", "ISR", "all")] == ({"OPPOSE": 1}, 0.7, ["a3"])


def test_figures(articles):
    figures = network_figures(build_network(articles))
    assert figures["most_opposed"] == [{"node": "ISR", "name": "Israel", "count": 2}, {"node": "hezbollah", "name": "Hezbollah", "count": 1}]
    assert figures["most_supported"][0] == {"node": "hezbollah", "name": "Hezbollah", "count": 2}
    assert figures["reciprocal_support"] == [["IRN", "hezbollah"]]
    assert figures["reciprocal_opposition"] == [["ISR", "hezbollah"]]
    # One signed triangle: IRN+hezbollah (+), hezbollah-ISR (-), IRN-ISR (-): the enemy of my friend is my enemy.
    assert (figures["signed_triangles"], figures["balanced_share"]) == (1, 1.0)


def test_exports_round_trip(articles, tmp_path):
    graph = build_network(articles)
    write_network(graph, tmp_path / "net.graphml")
    write_network(graph, tmp_path / "net.gexf")
    for read in (nx.read_graphml(tmp_path / "net.graphml"), nx.read_gexf(tmp_path / "net.gexf")):
        assert sorted(read.nodes) == ["IRN", "ISR", "hezbollah"] and read.number_of_edges() == 5
        supports = sorted(int(d["n_SUPPORT"]) for _, _, d in read.edges(data=True))
        assert supports == [0, 0, 0, 1, 2]
    write_network(graph, tmp_path / "net.json")
    assert json.loads((tmp_path / "net.json").read_text(encoding="utf-8")) == json.loads(json.dumps(network_data(graph)))
    with pytest.raises(ValueError, match=r"net\.png: the output's suffix must be one of \.json, \.graphml, \.gexf, \.html"):
        write_network(graph, tmp_path / "net.png")


def test_cli_over_jsonl_and_parquet(articles, tmp_path):
    from actorstance.archive import PredictionWriter

    first = tmp_path / "a.jsonl"
    first.write_text("".join(json.dumps(a.to_dict()) + "\n" for a in articles[:2]), encoding="utf-8")
    writer = PredictionWriter(tmp_path / "b.parquet", "parquet")
    writer.write(articles[2:])
    writer.finish()
    result = runner.invoke(app, ["network", str(first), str(tmp_path / "b.parquet"), "-o", str(tmp_path / "net.json"), "--by", "month"])
    assert result.exit_code == 0, result.output
    assert "wrote 3 actor(s) and 5 edge(s)" in result.stderr
    assert json.loads((tmp_path / "net.json").read_text(encoding="utf-8")) == json.loads(json.dumps(network_data(build_network(articles, by="month"))))


def test_cli_errors(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "text": "x"}\n{"id": "b"}\n', encoding="utf-8")
    result = runner.invoke(app, ["network", str(bad), "-o", str(tmp_path / "net.json")])
    assert result.exit_code == 1 and f"{bad}:2: field 'text': Field required" in " ".join(result.stderr.split())
    result = runner.invoke(app, ["network", str(bad), "-o", str(tmp_path / "net.json"), "--by", "year"])
    assert result.exit_code == 2 and "--by: 'year' is not one of month, week" in result.stderr
    assert not (tmp_path / "net.json").exists()


def _big_archive(count: int = 120) -> list[Article]:
    """``count`` actors, each in stances with its neighbours on a ring and a few chords: a sparse graph."""
    articles = []
    for index in range(count):
        actors = [(f"A{j}", f"Actor {j:03d}", f"C{j:03d}") for j in (index, (index + 1) % count, (index + 7) % count)]
        stances = [("A%d" % index, "A%d" % ((index + 1) % count), "SUPPORT" if index % 3 else "OPPOSE", 0.5 + (index % 5) / 10),
                   ("A%d" % index, "A%d" % ((index + 7) % count), "NEUTRAL" if index % 2 else "OPPOSE", 0.9)]
        articles.append(_article(f"n{index}", f"2024-{1 + index % 3:02d}-10", actors, stances))
    return articles


@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs chromium (apt-get install chromium)")
def test_the_page_draws_every_actor_offline_in_a_headless_browser(tmp_path):
    """The view's script runs (no network: every script is inline) and draws 120 actors and 240 edges."""
    page = tmp_path / "net.html"
    write_network(build_network(_big_archive(), by="month"), page, title="120 actors")
    browser = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}"]  # fmt: skip
    dom = subprocess.run([*browser, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120).stdout
    assert len(re.findall(r'<g class="node"', dom)) == 120
    assert len(re.findall(r'<path class="edge"', dom)) == 240
    assert "120 actors, 240 edges" in dom
    shot = tmp_path / "net.png"
    subprocess.run([*browser, f"--screenshot={shot}", "--window-size=1400,1000", page.as_uri()], capture_output=True, timeout=120)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 50_000  # a drawn page, not a blank one

"""The stance network across articles: who supports or opposes whom, aggregated with networkx.

Nodes are actors keyed by their dictionary ``code`` when the prediction links one, else by their
normalised name (`normalize_surface`), so "Tehran" in one article and "Iran" (both ``IRN``) in
another are one node; a person's name variants across articles ("Biden", "Mr Biden", "Joe Biden") are
one node too (`person_names`). Edges are holder -> target per time slice (``--by month|week`` from
``meta.date``; one slice ``all`` otherwise) with counts per label, mean score, article ids and a
few evidence snippets. The article's own voice (``AUTHOR``) differs from outlet to outlet, so its
stances join the network only when asked (``include_author``).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import networkx as nx

from .aliases import normalize_surface
from .atomic import atomic_write_text
from .person_names import NodeName, SurnameEvidence, could_be_surname, person_merges
from .schema import AUTHOR, Actor, Article, Stance
from .text import headline_spans
from .titles import bare_name

__all__ = ["build_network", "network_figures", "network_data", "write_network", "node_key", "time_slice", "EXPORT_FORMATS"]

EXPORT_FORMATS = ("json", "graphml", "gexf", "html")
ALL_TIME = "all"
UNDATED = "undated"
EVIDENCE_PER_EDGE = 3
EVIDENCE_CHARS = 300
ALIASES_PER_NODE = 10


def node_key(actor: Actor) -> str:
    """The actor's identity across articles: its dictionary code, else its normalised name."""
    return actor.code or normalize_surface(actor.name) or actor.id


def time_slice(meta: dict[str, Any], by: Literal["month", "week"] | None) -> str:
    """``2024-03`` (month) or ``2024-W10`` (ISO week) of ``meta["date"]``; ``undated`` when it has none."""
    if by is None:
        return ALL_TIME
    raw = meta.get("date")
    try:
        date = dt.date.fromisoformat(str(raw)[:10])
    except ValueError:
        return UNDATED
    if by == "month":
        return f"{date.year:04d}-{date.month:02d}"
    year, week, _ = date.isocalendar()
    return f"{year:04d}-W{week:02d}"


def _snippet(article: Article, start: int, end: int) -> str:
    piece = " ".join(article.text[max(start, 0) : end].split())
    return piece if len(piece) <= EVIDENCE_CHARS else piece[: EVIDENCE_CHARS - 1] + "…"


@dataclass
class _Node:
    names: Counter = field(default_factory=Counter)
    roles: Counter = field(default_factory=Counter)
    code: str | None = None
    mentions: int = 0
    articles: set[str] = field(default_factory=set)
    surname: SurnameEvidence = field(default_factory=SurnameEvidence)  # for a name that `could_be_surname`

    def absorb(self, other: _Node) -> None:
        self.names.update(other.names)
        self.roles.update(other.roles)
        self.code = self.code or other.code
        self.mentions += other.mentions
        self.articles |= other.articles
        self.surname.absorb(other.surname)


@dataclass
class _Edge:
    counts: Counter = field(default_factory=Counter)
    scores: list[float] = field(default_factory=list)
    articles: list[str] = field(default_factory=list)
    evidence: list[dict[str, str]] = field(default_factory=list)

    def add(self, stance: Stance, article: Article) -> None:
        """Count one stance of ``article``: its label, score and article, and its evidence while there is room."""
        self.counts[stance.label] += 1
        if stance.score is not None:
            self.scores.append(stance.score)
        if article.id not in self.articles:
            self.articles.append(article.id)
        if len(self.evidence) < EVIDENCE_PER_EDGE and stance.evidence:
            span = stance.evidence[0]
            self.evidence.append({"article": article.id, "text": _snippet(article, span.start, span.end)})

    def absorb(self, other: _Edge) -> None:
        self.counts.update(other.counts)
        self.scores.extend(other.scores)
        self.articles.extend(article for article in other.articles if article not in self.articles)
        self.evidence = (self.evidence + other.evidence)[:EVIDENCE_PER_EDGE]


def _merge_person_names(nodes: dict[str, _Node], edges: dict[tuple[str, str, str], _Edge]) -> dict[str, str]:
    """Fold each name variant of a person into its node (`person_names.person_merges`), edges with it;
    a stance between two variants of one person is dropped. Returns variant key -> node key."""
    from .actor_dictionary import ActorDictionary  # read only when names are folded

    merges = person_merges(
        (NodeName(key, node.names.most_common(1)[0][0], len(node.articles), ":" in (node.code or ""), node.surname if node.surname.mentions else None)
         for key, node in nodes.items() if node.names),
        ActorDictionary.default(),
    )  # fmt: skip
    for key, into in merges.items():
        nodes[into].absorb(nodes.pop(key))
    for (holder, target, period), edge in list(edges.items()):
        if holder in merges or target in merges:
            del edges[holder, target, period]
            holder, target = merges.get(holder, holder), merges.get(target, target)
            if holder != target:
                edges.setdefault((holder, target, period), _Edge()).absorb(edge)
    return merges


def build_network(
    articles: Iterable[Article],
    *,
    min_score: float | None = None,
    min_articles: int = 1,
    by: Literal["month", "week"] | None = None,
    include_author: bool = False,
    merge_person_names: bool = True,
) -> nx.MultiDiGraph:
    """One node per actor in a kept edge; one edge per (holder, target, slice) seen in at least ``min_articles`` articles.

    Node attributes: name (its most frequent), aliases (its other names, most frequent first), code,
    role (most frequent) and role_counts, mentions, articles. Edge attributes: counts per label, label
    (the most frequent), score (mean), articles (ids), evidence (up to three ``{"article", "text"}``).
    Stances below ``min_score`` are left out. With ``merge_person_names`` a person's name variants across
    articles ("Biden", "Mr Biden", "Joe Biden") are one node (`person_names`); the graph's ``merged``
    attribute maps each variant's own key to the node's ("biden" -> "USA:Joe Biden").
    """
    nodes: dict[str, _Node] = defaultdict(_Node)
    edges: dict[tuple[str, str, str], _Edge] = {}
    slices: Counter = Counter()
    for article in articles:
        keys = {actor.id: node_key(actor) for actor in article.actors}
        headlines = functools.cache(lambda text=article.text: headline_spans(text))
        for actor in article.actors:
            node = nodes[keys[actor.id]]
            node.names[actor.name] += 1
            node.roles[actor.role] += 1
            node.articles.add(article.id)
            node.code = actor.code or node.code
            if merge_person_names and not actor.code and could_be_surname(name := bare_name(actor.name)[0]):
                node.surname.add(name, article, actor, headlines)
        for mention in article.mentions:
            if mention.actor in keys:
                nodes[keys[mention.actor]].mentions += 1
        period = time_slice(article.meta, by)
        slices[period] += 1
        if include_author:
            keys[AUTHOR] = AUTHOR
        for stance in article.stances:
            if stance.holder not in keys or stance.target not in keys:
                continue  # AUTHOR (unless included) or an actor the article does not list
            if min_score is not None and (stance.score or 0.0) < min_score:
                continue
            edges.setdefault((keys[stance.holder], keys[stance.target], period), _Edge()).add(stance, article)
    merged = _merge_person_names(nodes, edges) if merge_person_names else {}
    graph = nx.MultiDiGraph(by=by or ALL_TIME, slices=sorted(slices), merged=dict(sorted(merged.items())))
    for (holder, target, period), edge in edges.items():
        if len(edge.articles) < min_articles:
            continue
        for key in (holder, target):
            if key not in graph:
                node = nodes[key]
                names = [name for name, _ in node.names.most_common()] or [key]
                graph.add_node(
                    key, name=names[0], aliases=names[1 : 1 + ALIASES_PER_NODE], code=node.code,
                    role=node.roles.most_common(1)[0][0] if node.roles else None, role_counts=dict(node.roles),
                    mentions=node.mentions, articles=len(node.articles),
                )  # fmt: skip
        scores = edge.scores
        graph.add_edge(
            holder, target, key=period, slice=period, counts=dict(edge.counts), label=edge.counts.most_common(1)[0][0],
            total=sum(edge.counts.values()), score=round(sum(scores) / len(scores), 4) if scores else None,
            articles=edge.articles, evidence=edge.evidence,
        )  # fmt: skip
    return graph


def _label_graph(graph: nx.MultiDiGraph, label: str) -> nx.DiGraph:
    """holder -> target with ``weight`` = how many ``label`` stances, all slices together."""
    result = nx.DiGraph()
    for holder, target, data in graph.edges(data=True):
        count = data["counts"].get(label, 0)
        if count:
            weight = result.get_edge_data(holder, target, {"weight": 0})["weight"]
            result.add_edge(holder, target, weight=weight + count)
    return result


def network_figures(graph: nx.MultiDiGraph, top: int = 10) -> dict[str, Any]:
    """Degree and balance figures: most active holders and targets, most opposed and supported actors,
    reciprocal support and opposition, and the share of structurally balanced triangles."""
    def ranked(scores: Iterable[tuple[str, float]]) -> list[dict[str, Any]]:
        best = sorted(((node, value) for node, value in scores if value), key=lambda item: (-item[1], item[0]))[:top]
        return [{"node": node, "name": graph.nodes[node]["name"], "count": value} for node, value in best]

    support, oppose = _label_graph(graph, "SUPPORT"), _label_graph(graph, "OPPOSE")

    def reciprocal(directed: nx.DiGraph) -> list[list[str]]:
        return sorted([a, b] for a, b in directed.edges() if a < b and directed.has_edge(b, a))

    signs: dict[frozenset, int] = defaultdict(int)  # undirected: + for support, - for opposition
    for directed, sign in ((support, 1), (oppose, -1)):
        for a, b, data in directed.edges(data=True):
            if a != b:
                signs[frozenset((a, b))] += sign * data["weight"]
    signed = nx.Graph()
    signed.add_edges_from((*tuple(pair), {"sign": 1 if total > 0 else -1}) for pair, total in signs.items() if total)
    balanced = triangles = 0
    for clique in nx.enumerate_all_cliques(signed):
        if len(clique) == 3:
            triangles += 1
            a, b, c = clique
            balanced += signed[a][b]["sign"] * signed[b][c]["sign"] * signed[a][c]["sign"] > 0
        elif len(clique) > 3:
            break
    return {
        "nodes": graph.number_of_nodes(),
        "edges": graph.number_of_edges(),
        "most_active_holders": ranked(graph.out_degree(weight="total")),
        "most_targeted": ranked(graph.in_degree(weight="total")),
        "most_opposed": ranked(oppose.in_degree(weight="weight")),
        "most_supported": ranked(support.in_degree(weight="weight")),
        "reciprocal_support": reciprocal(support),
        "reciprocal_opposition": reciprocal(oppose),
        "signed_triangles": triangles,
        "balanced_share": round(balanced / triangles, 4) if triangles else None,
    }


def network_data(graph: nx.MultiDiGraph) -> dict[str, Any]:
    """The network as one JSON-ready object: nodes, edges, slices and figures (what the HTML view draws)."""
    return {
        "by": graph.graph["by"],
        "slices": graph.graph["slices"],
        "merged": graph.graph["merged"],
        "nodes": [{"id": node, **data} for node, data in graph.nodes(data=True)],
        "edges": [{"source": holder, "target": target, **data} for holder, target, data in graph.edges(data=True)],
        "figures": network_figures(graph),
    }


def _flat(graph: nx.MultiDiGraph, labels: Iterable[str]) -> nx.MultiDiGraph:
    """GraphML and GEXF hold only scalars: counts become ``n_<LABEL>``, lists and dicts JSON strings."""
    flat = nx.MultiDiGraph()
    for node, data in graph.nodes(data=True):
        flat.add_node(node, name=data["name"], aliases=json.dumps(data["aliases"], ensure_ascii=False), code=data["code"] or "", role=data["role"] or "",
                      role_counts=json.dumps(data["role_counts"]), mentions=data["mentions"], articles=data["articles"])  # fmt: skip
    for holder, target, key, data in graph.edges(keys=True, data=True):
        counts = {f"n_{label}": data["counts"].get(label, 0) for label in labels}
        flat.add_edge(
            holder, target, key=key, slice=data["slice"], label=data["label"], total=data["total"], weight=data["total"],
            score=-1.0 if data["score"] is None else data["score"], articles=json.dumps(data["articles"]),
            evidence=json.dumps(data["evidence"], ensure_ascii=False), **counts,
        )  # fmt: skip
    return flat


def write_network(graph: nx.MultiDiGraph, path: str | Path, title: str = "stance network") -> Path:
    """Write ``graph`` as JSON, GraphML, GEXF or an HTML page, by the suffix of ``path`` (atomically)."""
    path = Path(path)
    kind = path.suffix.lower().lstrip(".")
    if kind not in EXPORT_FORMATS:
        raise ValueError(f"{path}: the output's suffix must be one of {', '.join('.' + f for f in EXPORT_FORMATS)}")
    if kind == "json":
        return atomic_write_text(path, json.dumps(network_data(graph), ensure_ascii=False, indent=1) + "\n")
    if kind == "html":
        from .network_html import render_network_page

        return atomic_write_text(path, render_network_page(network_data(graph), title=title))
    labels = sorted({label for _, _, counts in graph.edges(data="counts") for label in counts})
    flat = _flat(graph, labels)
    text = "\n".join(nx.generate_graphml(flat) if kind == "graphml" else nx.generate_gexf(flat)) + "\n"
    return atomic_write_text(path, text)

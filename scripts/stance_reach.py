"""How far apart the two actors of each gold stance are mentioned, per split: the share of gold edges
that pairs proposed within one sentence (`stance.max_sentence_distance: 0`) can reach at all, and for
the edges whose actors no sentence mentions together, what their evidence sentence holds and how many
of them pronouns taken as mentions would bring together.

    python scripts/stance_reach.py [--data data/corpus] [--output benchmarks/results/stance-reach.json]
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from pathlib import Path

from actorstance.atomic import atomic_write_text
from actorstance.corpus import load_corpus
from actorstance.schema import Article
from actorstance.text import sentence_index, sentence_spans
from eval.errors import actor_sentences, gold_edge_distances

REPO = Path(__file__).resolve().parent.parent
FAR = 3  # distances from here on are counted together
THIRD_PERSON = re.compile(r"\b(?:he|she|it|they|him|her|them|his|its|their)\b", re.IGNORECASE)
FIRST_PERSON = re.compile(r"\b(?:I|[Mm]e|[Mm]y|[Ww]e|[Uu]s|[Oo]ur)\b")  # "US" is a state
EVIDENCE_KINDS = ("one actor and a third-person pronoun", "one actor, first person", "one actor, no pronoun", "neither actor", "no evidence")


def reach(articles) -> dict:
    """Gold edges by the sentence distance of their actors' nearest mentions ("3+": three or more)."""
    counts: Counter = Counter()
    for article in articles:
        for distance in gold_edge_distances(article):
            counts["no mention" if distance is None else f"{FAR}+" if distance >= FAR else str(distance)] += 1
    total = sum(counts.values())
    keys = [str(d) for d in range(FAR)] + [f"{FAR}+", "no mention"]
    return {"gold_edges": total, "by_distance": {k: counts[k] for k in keys}, "one_sentence_share": round(counts["0"] / max(total, 1), 4)}


def with_pronouns(article: Article, spans: list[tuple[int, int]], named: dict[str, set[int]]) -> dict[str, set[int]]:
    """``named`` (actor id -> the sentences that name it, `eval.errors.actor_sentences`) plus the sentences
    holding a third-person pronoun whose nearest earlier mention, in its sentence or the one before, is the
    actor's (a recency rule, the simplest resolver)."""
    mentions = [(m, sentence_index(spans, m.start)) for m in sorted(article.mentions, key=lambda m: m.start)]
    sentences = {actor: set(found) for actor, found in named.items()}
    for match in THIRD_PERSON.finditer(article.text):
        index = sentence_index(spans, match.start())
        before = [m for m, sentence in mentions if m.end <= match.start() and sentence >= index - 1]
        if before and not any(m.start <= match.start() < m.end for m, _ in mentions):
            sentences[before[-1].actor].add(index)
    return sentences


def apart_edges(articles: list[Article]) -> dict:
    """The gold edges whose actors no sentence mentions together: what the sentence of their first
    evidence span holds (one of the two actors and a pronoun that could stand for the other, first person
    as in a quote whose speaker is the other, no pronoun at all; or neither actor), and how many of them
    `with_pronouns`' rule brings into one sentence, against the pairs without a stance it
    brings together."""
    kinds: Counter = Counter()
    reached = new_pairs_without_stance = 0
    for article in articles:
        spans = sentence_spans(article.text)
        named = actor_sentences(article)
        resolved = with_pronouns(article, spans, named)
        stated = {frozenset((s.holder, s.target)) for s in article.stances}
        for stance, distance in zip(article.stances, gold_edge_distances(article)):
            if not distance:
                continue
            if not stance.evidence:
                kinds["no evidence"] += 1
                continue
            start = stance.evidence[0].start
            index = sentence_index(spans, start)
            sentence = article.text[spans[index][0] : spans[index][1]]
            if not {stance.holder, stance.target} & {a for a, found in named.items() if index in found}:
                kinds["neither actor"] += 1
            elif THIRD_PERSON.search(sentence):
                kinds["one actor and a third-person pronoun"] += 1
            else:
                kinds["one actor, first person" if FIRST_PERSON.search(sentence) else "one actor, no pronoun"] += 1
            reached += bool(resolved.get(stance.holder, set()) & resolved.get(stance.target, set()))
        together = {
            frozenset((a, b)) for a in resolved for b in resolved
            if a < b and resolved[a] & resolved[b] and not named.get(a, set()) & named.get(b, set())
        }  # fmt: skip
        new_pairs_without_stance += len(together - stated)
    return {
        "evidence": {kind: kinds[kind] for kind in EVIDENCE_KINDS},
        "pronoun_rule": {"gold_edges_brought_together": reached, "pairs_without_stance_brought_together": new_pairs_without_stance},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO / "data" / "corpus")
    parser.add_argument("--output", type=Path, default=REPO / "benchmarks" / "results" / "stance-reach.json")
    args = parser.parse_args()
    articles = load_corpus(args.data)
    splits = sorted({a.split for a in articles if a.split})
    result = {"data": str(args.data.relative_to(REPO) if args.data.is_relative_to(REPO) else args.data)}
    by_split = {split: [a for a in articles if a.split == split] for split in splits}
    result["splits"] = {split: reach(chosen) | {"apart": apart_edges(chosen)} for split, chosen in by_split.items()}
    atomic_write_text(args.output, json.dumps(result, indent=2) + "\n")
    for split, row in result["splits"].items():
        print(split, row)


if __name__ == "__main__":
    main()

"""Declared neutrality toward the sides of a conflict the sentence does not name.

"Oman says it is not a party to the conflict", "the ICRC does not take sides": the guidelines give
the declaring actor a NEUTRAL edge toward each side of the conflict (docs/annotation.md, H20), but the
sides are named in other sentences, so no context of the pair classifier holds both actors (in the
default config's training articles, 105 of 277 NEUTRAL edges are between actors no sentence mentions
together, against one in seven of the other stances held by an actor). Here a sentence whose only
actor is followed by wording of declared neutrality (``resources/neutrality_cues.txt``) gives that
actor NEUTRAL edges toward the two actors of the article's main conflict: of the pairs the decision
found opposing each other, the one whose actors are mentioned most.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Mapping
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .schema import AUTHOR, Actor, Article, Span, Stance
from .text import sentence_index, sentence_spans

__all__ = ["CUES_FILE", "LABELS_NEEDED", "NEUTRAL", "OPPOSE", "read_cues", "shipped_cues", "declared_neutrality"]

CUES_FILE = "neutrality_cues.txt"
NEUTRAL = "NEUTRAL"
OPPOSE = "OPPOSE"
LABELS_NEEDED = (NEUTRAL, OPPOSE)  # the stance labels this step reads and writes


def read_cues(path: str | Path) -> re.Pattern:
    """One case-insensitive pattern from a cue file: a regular expression per line, ``#`` comments.

    A line that is not a valid expression is an error naming the file and line."""
    path = Path(path)
    alternatives = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        try:
            re.compile(line)
        except re.error as error:
            raise ValueError(f"{path}, line {number}: not a regular expression ({error}): {line!r}") from None
        alternatives.append(f"(?:{line})")
    if not alternatives:
        raise ValueError(f"{path}: no cue patterns")
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b", re.IGNORECASE)


@lru_cache(maxsize=1)
def shipped_cues() -> re.Pattern:
    """The cue patterns that ship with the package (``resources/neutrality_cues.txt``)."""
    return read_cues(Path(str(resources.files("actorstance") / "resources" / CUES_FILE)))


def _state_code(actor: Actor | None) -> str | None:
    """A linked actor's state part ("JOR" of "JOR_MIL" and of its king's "JOR:Abdullah II"): a state,
    its forces and its leaders are one side."""
    return re.split("[_:]", actor.code, maxsplit=1)[0] if actor is not None and actor.code else None


def _conflict_sides(article: Article, opposed: Mapping[tuple[str, str], float], excluded: str) -> tuple[tuple[str, str], float] | None:
    """The article's main conflict leaving out ``excluded`` and its state: of the pairs ``opposed`` holds
    both ways, the one whose actors are mentioned most (ties: the stronger, then by name), and its weaker
    direction's score. One-way OPPOSE (a condemnation, an accusation) is not taken for a conflict: with the
    training articles' gold edges, mutual pairs give 21 right NEUTRAL edges of 22, any OPPOSE pair 38 of 67."""
    actors = {actor.id: actor for actor in article.actors}
    mentions = Counter(mention.actor for mention in article.mentions)
    state = _state_code(actors.get(excluded))
    sides: dict[tuple[str, str], float] = {}
    for (holder, target), score in opposed.items():
        if holder < target and (target, holder) in opposed and excluded not in (holder, target) and AUTHOR not in (holder, target):
            if state is None or state not in (_state_code(actors.get(holder)), _state_code(actors.get(target))):
                sides[(holder, target)] = min(score, opposed[(target, holder)])
    if not sides:
        return None
    pair = max(sorted(sides), key=lambda p: (mentions[p[0]] + mentions[p[1]], sides[p]))
    return pair, sides[pair]


def declared_neutrality(
    article: Article,
    opposed: Mapping[tuple[str, str], float],
    scored_pairs: Collection[tuple[str, str]] = (),
    cues: re.Pattern | None = None,
) -> list[Stance]:
    """NEUTRAL edges from ``article``'s sentences that declare one actor neutral without naming the sides.

    ``opposed``: the article's OPPOSE edges that the run's decision keeps, ``(holder, target) -> score``;
    ``scored_pairs``: the ordered pairs the classifier scored (actors mentioned together), which keep
    its decision whatever it was. Each edge is scored as the conflict's weaker OPPOSE edge, with the
    declaring sentence as evidence. Neither depends on a ``min_score`` below the decision's threshold,
    so filtering the edges by score gives what predicting at that score gives."""
    cues = cues or shipped_cues()
    sentences = sentence_spans(article.text)
    by_sentence: dict[int, list] = {}
    for mention in sorted(article.mentions, key=lambda m: m.start):
        by_sentence.setdefault(sentence_index(sentences, mention.start), []).append(mention)
    scored = set(scored_pairs)
    found: list[Stance] = []
    declared: set[str] = set()
    for index, mentions in sorted(by_sentence.items()):
        holder = mentions[0].actor
        if holder in declared or holder == AUTHOR or any(mention.actor != holder for mention in mentions):
            continue
        start, end = sentences[index]
        if cues.search(article.text, mentions[0].end, end) is None:
            continue
        conflict = _conflict_sides(article, opposed, holder)
        if conflict is None:
            continue
        sides, score = conflict
        declared.add(holder)
        found += [
            Stance(holder=holder, target=side, label=NEUTRAL, evidence=[Span(start=start, end=end)], score=round(score, 4))
            for side in sides
            if (holder, side) not in scored
        ]
    return found

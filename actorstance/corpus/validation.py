"""The checks of the annotation spec (docs/annotation-spec.md) section 7, reported as located issues, never as tracebacks."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..labels import LabelSchema
from ..schema import AUTHOR, Article
from ..span_edges import is_span_edge_ok

__all__ = ["CorpusIssue", "CorpusError", "check_article", "check_unique_ids"]


@dataclass(frozen=True)
class CorpusIssue:
    """One thing wrong with a corpus, located as precisely as the input allows."""

    path: str
    line: int | None
    article: str | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: article {self.article or '?'}: {self.field}: {self.message}"


class CorpusError(ValueError):
    """A corpus that fails a check: carries every issue found, not just the first."""

    def __init__(self, issues: list[CorpusIssue]):
        self.issues = issues
        lines = "\n".join(str(issue) for issue in issues)
        super().__init__(f"{len(issues)} error(s) in corpus:\n{lines}")


def _edge_problem(surface: str) -> str | None:
    for position, char in (("starts", surface[0]), ("ends", surface[-1])):
        if not is_span_edge_ok(char, at_end=position == "ends"):
            return f"{position} with whitespace" if char.isspace() else f"{position} with punctuation {char!r}"
    return None


def check_article(article: Article, labels: LabelSchema) -> list[tuple[str, str]]:
    """Every rule violated by one article, as ``(field, message)`` pairs."""
    problems: list[tuple[str, str]] = []
    text_length = len(article.text)
    actor_ids = [actor.id for actor in article.actors]
    known_actors = set(actor_ids)

    for actor_id, count in Counter(actor_ids).items():
        if count > 1:
            problems.append(("actors", f"actor id {actor_id!r} is used {count} times"))
    for index, actor in enumerate(article.actors):
        field = f"actors[{index}]"
        if actor.id == AUTHOR:
            problems.append((f"{field}.id", f"{AUTHOR!r} is reserved for the article's own voice"))
        if not actor.id.strip():
            problems.append((f"{field}.id", "is empty"))
        if actor.role is None:
            problems.append((f"{field}.role", "missing"))
        elif actor.role not in labels.roles:
            problems.append((f"{field}.role", f"{actor.role!r} is not in the label set {labels.roles}"))
        for role in actor.other_roles or []:
            if role not in labels.roles:
                problems.append((f"{field}.other_roles", f"{role!r} is not in the label set {labels.roles}"))

    mentioned: set[str] = set()
    spans: list[tuple[int, int, int]] = []
    for index, mention in enumerate(article.mentions):
        field = f"mentions[{index}]"
        if mention.actor not in known_actors:
            problems.append((f"{field}.actor", f"unknown actor {mention.actor!r}"))
        else:
            mentioned.add(mention.actor)
        if not 0 <= mention.start < mention.end <= text_length:
            problems.append(
                (field, f"span [{mention.start}, {mention.end}) is empty or outside the text (length {text_length})")
            )
            continue
        surface = article.text[mention.start : mention.end]
        if surface != mention.text:
            problems.append((f"{field}.text", f"is {mention.text!r} but text[{mention.start}:{mention.end}] is {surface!r}"))
        edge = _edge_problem(surface)
        if edge:
            problems.append((field, f"span {surface!r} {edge}"))
        spans.append((mention.start, mention.end, index))

    spans.sort()
    for (start_a, end_a, index_a), (start_b, end_b, index_b) in zip(spans, spans[1:]):
        if start_b < end_a:
            problems.append(
                (f"mentions[{index_b}]", f"span [{start_b}, {end_b}) overlaps mentions[{index_a}] [{start_a}, {end_a})")
            )

    for actor in article.actors:
        if actor.id not in mentioned:
            problems.append(("actors", f"actor {actor.id!r} has no mention"))

    seen_edges: set[tuple[str, str]] = set()
    for index, stance in enumerate(article.stances):
        field = f"stances[{index}]"
        if stance.holder != AUTHOR and stance.holder not in known_actors:
            problems.append((f"{field}.holder", f"unknown actor {stance.holder!r}"))
        if stance.target not in known_actors:
            problems.append((f"{field}.target", f"unknown actor {stance.target!r}"))
        if stance.holder == stance.target:
            problems.append((field, f"holder and target are both {stance.holder!r}"))
        if stance.label not in labels.stances:
            problems.append((f"{field}.label", f"{stance.label!r} is not in the label set {labels.stances}"))
        edge = (stance.holder, stance.target)
        if edge in seen_edges:
            problems.append((field, f"second stance for {stance.holder} -> {stance.target}"))
        seen_edges.add(edge)
        for span_index, span in enumerate(stance.evidence):
            if not 0 <= span.start < span.end <= text_length:
                problems.append(
                    (
                        f"{field}.evidence[{span_index}]",
                        f"span [{span.start}, {span.end}) is empty or outside the text (length {text_length})",
                    )
                )
    return problems


def check_unique_ids(located: Iterable[tuple[str, int | None, Article]]) -> list[CorpusIssue]:
    """Article ids must be unique across every file of a corpus."""
    first_seen: dict[str, str] = {}
    issues = []
    for path, line, article in located:
        where = f"{Path(path)}:{line}" if line is not None else str(path)
        if article.id in first_seen:
            issues.append(CorpusIssue(path, line, article.id, "id", f"duplicate article id (first at {first_seen[article.id]})"))
        else:
            first_seen[article.id] = where
    return issues

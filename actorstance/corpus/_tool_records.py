"""The picture every annotation tool stores, without its syntax: labelled spans, relations between
them, and where each sits in its file (for `CorpusIssue`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .validation import CorpusIssue

__all__ = ["EVIDENCE", "Where", "ToolSpan", "ToolRelation", "ToolDocument"]

EVIDENCE = "Evidence"
"""Reserved span label for the text that states a stance (not a role)."""


@dataclass(frozen=True)
class Where:
    """Where a tool record sits in its file, for `CorpusIssue`."""

    field: str
    line: int | None = None


@dataclass
class ToolSpan:
    key: str
    start: int
    end: int
    label: str
    where: Where
    surface: str | None = None
    """The text the tool stored for the span, checked against the article text (None: not stored)."""
    actor: str | None = None
    name: str | None = None
    other_roles: list[str] | None = None
    stances: list[tuple[str, str]] | None = None


@dataclass
class ToolRelation:
    key: str
    source: str
    target: str
    label: str
    where: Where


@dataclass
class ToolDocument:
    """One article as a tool holds it; ``issues`` collects what its reader already found wrong."""

    path: str
    article_id: str
    text: str
    where: Where
    spans: list[ToolSpan] = field(default_factory=list)
    relations: list[ToolRelation] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    split: Any = None
    issues: list[CorpusIssue] = field(default_factory=list)
    broken: set[str] = field(default_factory=set)
    """Keys of spans the reader already reported and dropped: relations to them are no news."""
    actor_hint: str = "give it the note actor=ID"
    evidence_hint: str = "give it the note stances=HOLDER->TARGET"

    def problem(self, where: Where, message: str) -> None:
        self.issues.append(CorpusIssue(self.path, where.line, self.article_id, where.field, message))


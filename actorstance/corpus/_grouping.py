"""What brat, Label Studio and doccano share: articles as labelled spans and relations between them.

Every annotation tool stores the same picture (docs/interop.md):

* a **mention** is a span labelled with its actor's role; a short note on it names the actor
  (``actor=JOR; name=Jordan``, the name on the actor's first mention only);
* an **evidence** span is a span labelled `EVIDENCE`; its note lists the stances it states
  (``stances=JOR->USA, USA->JOR``);
* a **stance** is a relation labelled with the stance label, from one mention of the holder to one
  mention of the target; a stance of the reserved holder ``AUTHOR`` starts at its first evidence span.

The format modules only translate their syntax to `ToolSpan` / `ToolRelation` and back; grouping
mentions into actors, linking evidence and every consistency check happen here, once.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..labels import LabelSchema
from ..schema import AUTHOR, Article, Span
from .jsonl import read_utf8
from .validation import CorpusError, CorpusIssue, check_unique_ids

__all__ = [
    "EVIDENCE",
    "Where",
    "ToolSpan",
    "ToolRelation",
    "ToolDocument",
    "assemble",
    "decompose",
    "apply_note",
    "format_note",
    "tool_labels",
    "input_files",
    "read_export",
    "read_utf8",
    "load_json",
    "raise_if",
    "split_meta",
    "Utf16",
]

EVIDENCE = "Evidence"
"""Reserved span label for the text that states a stance (not a role)."""

_NOTE_KEYS = ("actor", "name", "other_roles", "stances")
_NOTE_SPLIT = re.compile(r";\s*(?=(?:{})\s*=)".format("|".join(_NOTE_KEYS)))
_ID_FORBIDDEN = re.compile(r"[\s,;=]|->")


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


# --- notes ---------------------------------------------------------------------------------------


def _parse_stances(value: str) -> list[tuple[str, str]]:
    edges = []
    for part in value.split(","):
        holder, arrow, target = part.strip().partition("->")
        if not arrow or not holder.strip() or not target.strip():
            raise ValueError(f"expected HOLDER->TARGET, got {part.strip()!r}")
        edges.append((holder.strip(), target.strip()))
    return edges


def apply_note(span: ToolSpan, note: str) -> str | None:
    """Fill ``span`` from a note (``key=value; ...``); returns what is wrong with the note, if anything.

    A note without ``=`` is shorthand: the actor id on a mention, the stance list on evidence.
    """
    note = note.strip()
    if not note:
        return None
    evidence = span.label == EVIDENCE
    full = note if "=" in note.split(";")[0] else ("stances=" if evidence else "actor=") + note
    values: dict[str, str] = {}
    for part in _NOTE_SPLIT.split(full):
        key, equals, value = part.partition("=")
        key = key.strip()
        if not equals or key not in _NOTE_KEYS:
            keys = ", ".join(_NOTE_KEYS)
            return f"cannot read note {note!r}: expected 'key=value' pairs separated by ';' with keys {keys}"
        if key in values:
            return f"note {note!r} gives {key}= twice"
        values[key] = value.strip()
    allowed = ("stances",) if evidence else ("actor", "name", "other_roles")
    wrong = [key for key in values if key not in allowed]
    if wrong:
        kind = "an Evidence span" if evidence else "a mention"
        return f"note {note!r}: {', '.join(wrong)}= does not belong on {kind} (allowed: {', '.join(allowed)})"
    if "stances" in values:
        try:
            span.stances = _parse_stances(values["stances"])
        except ValueError as error:
            return f"note {note!r}: {error}"
    ids = [values.get("actor") or ""] if "actor" in values else [id_ for edge in span.stances or [] for id_ in edge]
    for id_ in ids:
        problem = _check_token(id_, "id")
        if problem:
            return f"note {note!r}: {problem}"
    if "actor" in values:
        span.actor = values["actor"] or None
    if values.get("name"):
        span.name = values["name"]
    if "other_roles" in values:
        span.other_roles = [role.strip() for role in values["other_roles"].split(",") if role.strip()]
    return None


def format_note(span: ToolSpan) -> str:
    """The note `apply_note` reads back into ``span``."""
    if span.label == EVIDENCE:
        return "stances=" + ", ".join(f"{holder}->{target}" for holder, target in span.stances or [])
    parts = [f"actor={span.actor}"]
    if span.name is not None:
        parts.append(f"name={span.name}")
    if span.other_roles:
        parts.append("other_roles=" + ",".join(span.other_roles))
    return "; ".join(parts)


# --- tool -> article ----------------------------------------------------------------------------


def _first_value(doc: ToolDocument, spans: list[ToolSpan], attribute: str, actor: str) -> Any:
    """The value of ``attribute`` over an actor's mentions; a second, different value is a problem."""
    chosen, chosen_span = None, None
    for span in spans:
        value = getattr(span, attribute)
        if value is None:
            continue
        if chosen is None:
            chosen, chosen_span = value, span
        elif value != chosen:
            doc.problem(
                span.where,
                f"actor {actor!r} has {attribute} {value!r} here but {chosen!r} at {chosen_span.where.field}",
            )
    return chosen


def assemble(doc: ToolDocument) -> Article | None:
    """The article a tool document describes; every problem goes to ``doc.issues`` (None if any)."""
    text = doc.text
    spans: dict[str, ToolSpan] = {}
    broken: set[str] = set(doc.broken)
    for span in doc.spans:
        if span.key in doc.broken:
            continue
        if span.key in spans or span.key in broken:
            doc.problem(span.where, f"id {span.key!r} is used twice")
            continue
        if not 0 <= span.start < span.end <= len(text):
            doc.problem(
                span.where, f"span [{span.start}, {span.end}) is empty or outside the text (length {len(text)})"
            )
            broken.add(span.key)
            continue
        if span.surface is not None and span.surface != text[span.start : span.end]:
            doc.problem(
                span.where,
                f"text mismatch: the span's text is {span.surface!r} but text[{span.start}:{span.end}] is "
                f"{text[span.start : span.end]!r}",
            )
            broken.add(span.key)
            continue
        if span.label != EVIDENCE and not span.actor:
            doc.problem(span.where, f"mention {text[span.start : span.end]!r} has no actor ({doc.actor_hint})")
            broken.add(span.key)
            continue
        spans[span.key] = span

    mention_spans = [span for span in spans.values() if span.label != EVIDENCE]
    by_actor: dict[str, list[ToolSpan]] = {}
    for span in mention_spans:
        by_actor.setdefault(span.actor, []).append(span)  # type: ignore[arg-type]
    actors = []
    for actor_id, members in by_actor.items():
        role = members[0].label
        for span in members[1:]:
            if span.label != role:
                doc.problem(
                    span.where,
                    f"mention of actor {actor_id!r} is labelled {span.label!r} but its first mention "
                    f"({members[0].where.field}) is labelled {role!r}: an actor has one role",
                )
        name = _first_value(doc, members, "name", actor_id) or text[members[0].start : members[0].end]
        actor: dict[str, Any] = {"id": actor_id, "name": name, "role": role}
        other_roles = _first_value(doc, members, "other_roles", actor_id)
        if other_roles:
            actor["other_roles"] = other_roles
        actors.append(actor)

    stances: list[dict[str, Any]] = []
    edges: dict[tuple[str, str], list[dict[str, Any]]] = {}
    authored: dict[str, list[dict[str, Any]]] = {}
    incomplete = False  # a relation lost to a span already reported: its evidence links are no news
    for relation in doc.relations:
        ends = []
        for role, key in (("source", relation.source), ("target", relation.target)):
            if key in broken:
                ends.append(None)  # already reported
                incomplete = True
            elif key not in spans:
                doc.problem(relation.where, f"unknown relation argument {key!r} ({role})")
                ends.append(None)
            else:
                ends.append(spans[key])
        source, target = ends
        if source is None or target is None:
            continue
        if target.label == EVIDENCE:
            doc.problem(
                relation.where, f"the target of a stance must be a mention, not an {EVIDENCE} span ({target.key})"
            )
            continue
        holder = AUTHOR if source.label == EVIDENCE else source.actor
        stance = {"holder": holder, "target": target.actor, "label": relation.label, "evidence": []}
        stances.append(stance)
        edges.setdefault((holder, target.actor), []).append(stance)  # type: ignore[arg-type]
        if source.label == EVIDENCE:
            authored.setdefault(source.key, []).append(stance)

    for span in spans.values():
        if span.label != EVIDENCE:
            continue
        linked = list(authored.get(span.key, []))
        for holder, target in span.stances or []:
            if (holder, target) not in edges and not incomplete:
                doc.problem(span.where, f"the evidence names the stance {holder}->{target} but no relation draws it")
            linked.extend(edges.get((holder, target), []))
        if not linked and not span.stances:
            doc.problem(
                span.where,
                f"{EVIDENCE} span {text[span.start : span.end]!r} belongs to no stance ({doc.evidence_hint})",
            )
        for stance in linked:
            evidence = {"start": span.start, "end": span.end}
            if evidence not in stance["evidence"]:
                stance["evidence"].append(evidence)

    if doc.issues:
        return None
    record: dict[str, Any] = {
        "id": doc.article_id,
        "text": text,
        "meta": doc.meta,
        "actors": actors,
        "mentions": [
            {"start": span.start, "end": span.end, "text": text[span.start : span.end], "actor": span.actor}
            for span in mention_spans
        ],
        "stances": stances,
    }
    if doc.split is not None:
        record["split"] = doc.split
    try:
        return Article.model_validate(record)
    except ValidationError as error:
        for detail in error.errors():
            location = ".".join(str(part) for part in detail["loc"]) or "article"
            doc.problem(Where(location, doc.where.line), detail["msg"])
        return None


# --- article -> tool ----------------------------------------------------------------------------


def _distance(span: ToolSpan, anchor: Span) -> tuple[int, int]:
    inside = anchor.start <= span.start and span.end <= anchor.end
    gap = max(0, anchor.start - span.end, span.start - anchor.end)
    return (0 if inside else 1, gap)


def _anchor_mention(candidates: list[ToolSpan], evidence: list[Span]) -> ToolSpan:
    """The mention a stance relation starts or ends at: the one in (or nearest to) its first evidence."""
    if not evidence:
        return candidates[0]
    return min(candidates, key=lambda span: _distance(span, evidence[0]))


def _check_token(value: str, what: str) -> str | None:
    if not value or _ID_FORBIDDEN.search(value):
        return f"{what} {value!r} is not usable: ids must be non-empty without spaces, ',', ';', '=' or '->'"
    return None


def decompose(article: Article) -> tuple[list[ToolSpan], list[ToolRelation], list[tuple[str, str]]]:
    """Spans and relations that `assemble` turns back into ``article``, and ``(field, message)`` problems.

    Span keys are ``m<i>`` (``article.mentions[i]``) and ``e<j>`` (the j-th distinct evidence span);
    relation keys are ``r<i>`` (``article.stances[i]``).
    """
    problems: list[tuple[str, str]] = []
    text = article.text
    actors = article.actor_by_id()
    for index, actor in enumerate(article.actors):
        problem = _check_token(actor.id, "actor id")
        if problem:
            problems.append((f"actors[{index}].id", problem))
        if actor.role == EVIDENCE or EVIDENCE in (actor.other_roles or []):
            problems.append(
                (f"actors[{index}].role", f"{EVIDENCE!r} is reserved for evidence spans in annotation tools")
            )
        if any(char in actor.name for char in "\t\r\n") or _NOTE_SPLIT.search(actor.name):
            message = "a name in a tool note cannot hold tabs, line breaks or '; key=' (a note key)"
            problems.append((f"actors[{index}].name", message))

    spans: list[ToolSpan] = []
    by_actor: dict[str, list[ToolSpan]] = {}
    for index, mention in enumerate(article.mentions):
        where = Where(f"mentions[{index}]")
        actor = actors.get(mention.actor)
        if actor is None:
            problems.append((where.field, f"unknown actor {mention.actor!r}"))
            continue
        if not 0 <= mention.start < mention.end <= len(text) or text[mention.start : mention.end] != mention.text:
            problems.append(
                (where.field, f"span [{mention.start}, {mention.end}) does not hold {mention.text!r} in the text")
            )
            continue
        span = ToolSpan(f"m{index}", mention.start, mention.end, actor.role, where, actor=actor.id)
        if actor.id not in by_actor:
            span.name, span.other_roles = actor.name, actor.other_roles
        by_actor.setdefault(actor.id, []).append(span)
        spans.append(span)
    for actor in article.actors:
        if actor.id not in by_actor:
            problems.append(
                ("actors", f"actor {actor.id!r} has no mention: tools keep actors only through their mentions")
            )

    evidence_spans: dict[tuple[int, int], ToolSpan] = {}
    seen_edges: set[tuple[str, str]] = set()
    relations: list[ToolRelation] = []
    for index, stance in enumerate(article.stances):
        where = Where(f"stances[{index}]")
        edge = (stance.holder, stance.target)
        if edge in seen_edges:
            problems.append(
                (
                    where.field,
                    f"second stance for {stance.holder} -> {stance.target}: tools link evidence by holder->target",
                )
            )
        seen_edges.add(edge)
        ok_evidence = []
        for span_index, evidence in enumerate(stance.evidence):
            if not 0 <= evidence.start < evidence.end <= len(text):
                problems.append(
                    (
                        f"{where.field}.evidence[{span_index}]",
                        f"span [{evidence.start}, {evidence.end}) is outside the text",
                    )
                )
                continue
            ok_evidence.append(evidence)
            key = (evidence.start, evidence.end)
            if key not in evidence_spans:
                evidence_spans[key] = ToolSpan(
                    f"e{len(evidence_spans)}",
                    evidence.start,
                    evidence.end,
                    EVIDENCE,
                    Where(f"{where.field}.evidence[{span_index}]"),
                    stances=[],
                )
            if edge not in evidence_spans[key].stances:  # type: ignore[operator]
                evidence_spans[key].stances.append(edge)  # type: ignore[union-attr]
        if stance.target not in by_actor:
            problems.append((f"{where.field}.target", f"target {stance.target!r} has no mention to draw the stance to"))
            continue
        if stance.holder == AUTHOR:
            if not ok_evidence:
                problems.append((where.field, f"an {AUTHOR} stance needs an evidence span: its relation starts there"))
                continue
            source = evidence_spans[(ok_evidence[0].start, ok_evidence[0].end)]
        elif stance.holder not in by_actor:
            problems.append(
                (f"{where.field}.holder", f"holder {stance.holder!r} has no mention to draw the stance from")
            )
            continue
        else:
            source = _anchor_mention(by_actor[stance.holder], ok_evidence)
        target = _anchor_mention(by_actor[stance.target], ok_evidence)
        relations.append(ToolRelation(f"r{index}", source.key, target.key, stance.label, where))
    return spans + list(evidence_spans.values()), relations, problems


# --- shared IO helpers --------------------------------------------------------------------------


def tool_labels(articles: Sequence[Article], labels: LabelSchema | None = None) -> tuple[list[str], list[str]]:
    """Roles and stance labels to declare in a tool's configuration.

    The given schema, else the default one when the articles use nothing outside it, else the labels
    the articles use (sorted).
    """
    if labels is not None:
        return list(labels.roles), list(labels.stances)
    used = LabelSchema.from_articles(articles)
    used_roles = set(used.roles) | {role for a in articles for actor in a.actors for role in actor.other_roles or []}
    default = LabelSchema.default()
    if used_roles <= set(default.roles) and set(used.stances) <= set(default.stances):
        return list(default.roles), list(default.stances)
    return sorted(used_roles), sorted(used.stances)


def input_files(path: Path, suffixes: Iterable[str]) -> list[Path]:
    """``path`` itself, or the files under the folder ``path`` ending in one of ``suffixes``."""
    if path.is_dir():
        suffixes = tuple(suffixes)
        return sorted(file for file in path.rglob("*") if file.is_file() and file.name.endswith(suffixes))
    return [path]


RecordSource = Callable[[Path], Iterator["CorpusIssue | tuple[int | None, int, Any]"]]
"""A file's records as ``(line or None, position, record)``, or an issue where one cannot be read."""
RecordReader = Callable[[Path, int, Any], tuple["Article | None", list[CorpusIssue]]]


def read_export(path: Path, suffixes: Iterable[str], records: RecordSource, read_record: RecordReader) -> list[Article]:
    """The articles of a tool export: each record of each input file through ``read_record``; every
    issue of every file (and ids used twice) raised together in one `CorpusError`."""
    articles, issues, located = [], [], []
    for file in input_files(Path(path), suffixes):
        for item in records(file):
            if isinstance(item, CorpusIssue):
                issues.append(item)
                continue
            line, position, record = item
            article, record_issues = read_record(file, position, record)
            issues.extend(record_issues)
            if article:
                articles.append(article)
                located.append((str(file), line, article))
    issues.extend(check_unique_ids(located))
    raise_if(issues)
    return articles


def load_json(path: Path) -> tuple[Any, CorpusIssue | None]:
    text, issue = read_utf8(path)
    if issue:
        return None, issue
    try:
        return json.loads(text), None  # type: ignore[arg-type]
    except json.JSONDecodeError as error:
        return None, CorpusIssue(
            str(path), error.lineno, None, "json", f"invalid JSON: {error.msg} at column {error.colno}"
        )


def split_meta(record: dict[str, Any], known: Iterable[str], doc: ToolDocument) -> None:
    """``meta`` and ``split`` from a tool record: its ``meta`` object plus every key nobody else reads."""
    meta = record.get("meta") or {}
    if not isinstance(meta, dict):
        doc.problem(Where("meta", doc.where.line), f"expected a JSON object, got {type(meta).__name__}")
        meta = {}
    meta = dict(meta)
    for key, value in record.items():
        if key in known or key in ("meta", "split"):
            continue
        if key in meta and meta[key] != value:
            doc.problem(Where(key, doc.where.line), f"{key!r} is given both at the top level and in meta")
        meta[key] = value
    doc.meta = meta
    doc.split = record.get("split")


def raise_if(issues: list[CorpusIssue]) -> None:
    if issues:
        raise CorpusError(issues)


class Utf16:
    """Offsets in UTF-16 code units (JavaScript string indices) to Python code points and back."""

    def __init__(self, text: str):
        self.identity = all(ord(char) < 0x10000 for char in text)
        if self.identity:
            return
        self._to_units = [0]
        self._to_points: dict[int, int] = {0: 0}
        units = 0
        for index, char in enumerate(text, start=1):
            units += 2 if ord(char) >= 0x10000 else 1
            self._to_units.append(units)
            self._to_points[units] = index

    def to_points(self, units: int) -> int | None:
        """None when ``units`` falls inside a surrogate pair (or outside the text)."""
        if self.identity:
            return units
        return self._to_points.get(units)

    def to_units(self, points: int) -> int:
        if self.identity:
            return points
        return self._to_units[points] if 0 <= points < len(self._to_units) else points

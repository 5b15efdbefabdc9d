"""doccano JSONL export of a sequence-labeling project with relations (docs/interop.md).

One example a line: ``{"id", "text", "entities": [{"id", "label", "start_offset", "end_offset"}],
"relations": [{"id", "from_id", "to_id", "type"}], "Comments": [...]}``, plus the example's metadata
as further top-level keys, which doccano keeps through import and export. doccano has no notes on
spans, so the grouping lives in that metadata, keyed by offsets (entity ids change on import):
``"actors": [{"id", "name", "mentions": [[start, end], ...]}]`` and
``"evidence": [{"start", "end", "stances": ["JOR->USA"]}]``. Offsets are UTF-16 code units, as
doccano counts them in the browser.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..atomic import atomic_write_text
from ..schema import Article
from ._tool_articles import assemble, decompose
from ._tool_io import raise_if, read_export, split_meta
from ._tool_records import EVIDENCE, ToolDocument, ToolRelation, ToolSpan, Where
from ._utf16 import Utf16
from .jsonl import read_utf8
from .validation import CorpusIssue

__all__ = ["read_doccano", "write_doccano", "render_doccano"]

_KNOWN = ("id", "text", "entities", "relations", "label", "Comments", "article_id", "actors", "evidence")


def _entities(record: dict[str, Any]) -> list[dict[str, Any]] | None:
    """The entities of a relation export, or of a plain export (``"label": [[start, end, label]]``)."""
    if "entities" in record:
        return record["entities"] if isinstance(record["entities"], list) else None
    labels = record.get("label", [])
    if not isinstance(labels, list) or not all(isinstance(item, list) and len(item) == 3 for item in labels):
        return None
    return [
        {"id": index, "start_offset": s, "end_offset": e, "label": label} for index, (s, e, label) in enumerate(labels)
    ]


def _points(units: Utf16, start: Any, end: Any) -> tuple[int, int] | None:
    """UTF-16 ``start``, ``end`` as code points; None unless both are integers on character boundaries."""
    if not (isinstance(start, int) and isinstance(end, int)):
        return None
    points = (units.to_points(start), units.to_points(end))
    return None if None in points else points  # type: ignore[return-value]


def _listed(doc: ToolDocument, record: dict[str, Any], key: str) -> list[Any]:
    value = record.get(key) or []
    if not isinstance(value, list):
        doc.problem(Where(key, doc.where.line), "expected a list")
        return []
    return value


def _offsets_map(doc: ToolDocument, record: dict[str, Any], units: Utf16) -> tuple[dict, dict]:
    """``(start, end)`` in code points -> actor entry, and -> evidence stances, from the metadata."""
    actors: dict[tuple[int, int], dict[str, Any]] = {}
    evidence: dict[tuple[int, int], list[str]] = {}
    for index, actor in enumerate(_listed(doc, record, "actors")):
        where = Where(f"actors[{index}]", doc.where.line)
        if (
            not isinstance(actor, dict)
            or not isinstance(actor.get("id"), str)
            or not isinstance(actor.get("mentions"), list)
        ):
            doc.problem(where, 'expected {"id": ..., "name": ..., "mentions": [[start, end], ...]}')
            continue
        for pair in actor["mentions"]:
            points = _points(units, *pair) if isinstance(pair, list) and len(pair) == 2 else None
            if points is None:
                doc.problem(where, f"mention offsets {pair!r} are not [start, end] on character boundaries")
                continue
            actors[points] = actor
    for index, entry in enumerate(_listed(doc, record, "evidence")):
        where = Where(f"evidence[{index}]", doc.where.line)
        points = _points(units, entry.get("start"), entry.get("end")) if isinstance(entry, dict) else None
        if points is None or not isinstance(entry.get("stances"), list):
            doc.problem(where, 'expected {"start": ..., "end": ..., "stances": ["HOLDER->TARGET", ...]}')
            continue
        evidence[points] = entry["stances"]
    return actors, evidence


def _read_line(path: Path, line: int, record: dict[str, Any]) -> tuple[Article | None, list[CorpusIssue]]:
    text = record.get("text")
    article_id = str(record.get("article_id") or record.get("id") or f"line-{line}")
    if not isinstance(text, str):
        return None, [CorpusIssue(str(path), line, article_id, "text", "missing or not a string")]
    doc = ToolDocument(str(path), article_id, text, Where("article", line))
    doc.actor_hint = "list its [start, end] under an actor in the line's 'actors'"
    doc.evidence_hint = "list its stances in the line's 'evidence'"
    split_meta(record, _KNOWN, doc)
    if record.get("Comments"):
        doc.meta.setdefault("doccano_comments", record["Comments"])
    units = Utf16(text)
    actors, evidence = _offsets_map(doc, record, units)
    entities = _entities(record)
    if entities is None:
        doc.problem(Where("entities", line), "expected a list of {id, label, start_offset, end_offset}")
        entities = []
    for index, entity in enumerate(entities):
        where = Where(f"entities[{index}]", line)
        raw = (entity.get("start_offset"), entity.get("end_offset")) if isinstance(entity, dict) else (None, None)
        if not all(isinstance(value, int) for value in raw) or not isinstance(entity.get("label"), str):  # type: ignore[union-attr]
            doc.problem(where, "expected {id, label, start_offset, end_offset} with integer offsets")
            doc.broken.add(str(entity.get("id")) if isinstance(entity, dict) else "")
            continue
        start, end = units.to_points(raw[0]), units.to_points(raw[1])
        if start is None or end is None:
            doc.problem(where, f"offsets {list(raw)} split a character (UTF-16 surrogate pair) or lie outside the text")
            doc.broken.add(str(entity.get("id")))
            continue
        span = ToolSpan(str(entity.get("id")), start, end, entity["label"], where)
        if span.label == EVIDENCE:
            span.stances = []
            for edge in evidence.get((start, end), []):
                holder, arrow, target = str(edge).partition("->")
                if not arrow:
                    doc.problem(where, f"evidence stance {edge!r} is not HOLDER->TARGET")
                span.stances.append((holder.strip(), target.strip()))
        elif (start, end) in actors:
            actor = actors[(start, end)]
            span.actor, span.name, span.other_roles = actor["id"], actor.get("name"), actor.get("other_roles")
        doc.spans.append(span)
    for index, relation in enumerate(_listed(doc, record, "relations")):
        if not isinstance(relation, dict) or not {"from_id", "to_id", "type"} <= set(relation):
            doc.problem(Where(f"relations[{index}]", line), "expected {id, from_id, to_id, type}")
            continue
        doc.relations.append(
            ToolRelation(
                str(relation.get("id")),
                str(relation["from_id"]),
                str(relation["to_id"]),
                str(relation["type"]),
                Where(f"relations[{index}]", line),
            )
        )
    return assemble(doc), doc.issues


def _records(file: Path) -> Iterator[CorpusIssue | tuple[int, int, Any]]:
    content, issue = read_utf8(file)
    if issue:
        yield issue
        return
    for number, line in enumerate(content.split("\n"), start=1):  # type: ignore[union-attr]
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            yield CorpusIssue(str(file), number, None, "json", f"invalid JSON: {error.msg} at column {error.colno}")
            continue
        if not isinstance(record, dict):
            yield CorpusIssue(str(file), number, None, "example", "expected a JSON object")
            continue
        yield number, number, record


def read_doccano(path: Path) -> list[Article]:
    """Articles of a doccano JSONL export (a file, or every ``*.jsonl`` under a folder)."""
    return read_export(path, (".jsonl",), _records, _read_line)


def render_doccano(articles: list[Article], path: Path) -> tuple[str, list[CorpusIssue]]:
    lines, issues = [], []
    entity_ids = relation_ids = 0
    for number, article in enumerate(articles, start=1):
        spans, relations, problems = decompose(article)
        issues.extend(CorpusIssue(str(path), number, article.id, field, message) for field, message in problems)
        units = Utf16(article.text)
        ids: dict[str, int] = {}
        entities, actors, evidence = [], {}, []
        for span in spans:
            entity_ids += 1
            ids[span.key] = entity_ids
            offsets = [units.to_units(span.start), units.to_units(span.end)]
            entities.append(
                {"id": entity_ids, "label": span.label, "start_offset": offsets[0], "end_offset": offsets[1]}
            )
            if span.label == EVIDENCE:
                evidence.append(
                    {"start": offsets[0], "end": offsets[1], "stances": [f"{h}->{t}" for h, t in span.stances or []]}
                )
            else:
                entry = actors.setdefault(span.actor, {"id": span.actor, "name": span.name, "mentions": []})
                if span.other_roles:
                    entry["other_roles"] = span.other_roles
                entry["mentions"].append(offsets)
        relation_records = []
        for relation in relations:
            relation_ids += 1
            relation_records.append(
                {
                    "id": relation_ids,
                    "from_id": ids[relation.source],
                    "to_id": ids[relation.target],
                    "type": relation.label,
                }
            )
        record: dict[str, Any] = {
            "id": number,
            "text": article.text,
            "entities": entities,
            "relations": relation_records,
            "Comments": [],
        }
        record["article_id"] = article.id
        if article.meta:
            record["meta"] = article.meta
        if article.split:
            record["split"] = article.split
        record["actors"] = list(actors.values())
        record["evidence"] = evidence
        lines.append(json.dumps(record, ensure_ascii=False))
    return "".join(line + "\n" for line in lines), issues


def write_doccano(articles: list[Article], path: Path) -> None:
    """Write one doccano example a line, atomically; refuse articles the format cannot hold."""
    content, issues = render_doccano(articles, Path(path))
    raise_if(issues)
    atomic_write_text(path, content)

"""Label Studio JSON export: a list of tasks with ``data.text`` and ``annotations[].result[]`` (docs/interop.md).

Mentions and evidence are ``labels`` regions (label = role, or ``Evidence``); the per-region text
area ``note`` holds ``actor=JOR; name=Jordan`` or ``stances=JOR->USA``; stances are ``relation``
results. ``data.article_id``, ``data.meta`` and ``data.split`` keep the rest of the article.
`write_labelstudio` also writes the labeling config beside the export: ``corpus.json`` ->
``corpus.labelconfig.xml``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

from ..atomic import atomic_write_text
from ..labels import LabelSchema
from ..schema import Article
from ._tool_articles import assemble, decompose
from ._tool_io import load_json, raise_if, read_export, split_meta, tool_labels
from ._tool_notes import apply_note, format_note
from ._tool_records import EVIDENCE, ToolDocument, ToolRelation, ToolSpan, Where
from ._utf16 import Utf16
from .validation import CorpusIssue

__all__ = ["read_labelstudio", "write_labelstudio", "config_path", "render_config", "render_tasks"]

LABELS_NAME, TEXT_NAME, NOTE_NAME = "label", "text", "note"
CONFIG_SUFFIX = ".labelconfig.xml"


def config_path(path: Path) -> Path:
    """Where the labeling config of an export goes: ``corpus.json`` -> ``corpus.labelconfig.xml``."""
    return path.with_suffix(CONFIG_SUFFIX) if path.suffix == ".json" else path.with_name(path.name + CONFIG_SUFFIX)


# --- reading ------------------------------------------------------------------------------------


def _pick_annotation(task: dict[str, Any], doc: ToolDocument, field: str) -> tuple[int, dict[str, Any]] | None:
    annotations = task.get("annotations") or []
    if not isinstance(annotations, list):
        doc.problem(Where(f"{field}.annotations"), "expected a list")
        return None
    live = [(index, a) for index, a in enumerate(annotations) if isinstance(a, dict) and not a.get("was_cancelled")]
    if len(live) > 1:
        truth = [(index, a) for index, a in live if a.get("ground_truth")]
        if len(truth) != 1:
            doc.problem(
                Where(f"{field}.annotations"),
                f"{len(live)} annotations and {len(truth)} marked ground truth: "
                "keep one annotation per task or mark one as ground truth",
            )
            return None
        live = truth
    return live[0] if live else None


def _one_label(labels: Any) -> str | None:
    return labels[0] if isinstance(labels, list) and len(labels) == 1 and isinstance(labels[0], str) else None


def _surface_hint(text: str, start: int, end: int, surface: Any) -> str:
    units = Utf16(text)
    points = (units.to_points(start), units.to_points(end))
    if not units.identity and None not in points and text[points[0] : points[1]] == surface:  # type: ignore[misc]
        return " (the offsets look like UTF-16 code units; Label Studio exports code points)"
    return ""


def _read_result(doc: ToolDocument, results: list[Any], field: str) -> None:
    notes: dict[str, list[str]] = {}
    note_where: dict[str, Where] = {}
    for index, item in enumerate(results):
        where = Where(f"{field}[{index}]")
        if not isinstance(item, dict):
            doc.problem(where, "expected a JSON object")
            continue
        kind, value = item.get("type"), item.get("value")
        value = value if isinstance(value, dict) else {}
        if kind == "relation":
            labels, label = item.get("labels"), _one_label(item.get("labels"))
            source, target = str(item.get("from_id")), str(item.get("to_id"))
            direction = item.get("direction", "right")
            if direction == "left":
                source, target = target, source
            if direction not in ("right", "left") or label is None:
                doc.problem(
                    where,
                    "a stance is one directed relation with one label, "
                    f"got direction {direction!r} and labels {labels}",
                )
                continue
            doc.relations.append(ToolRelation(f"{source}->{target}", source, target, label, where))
        elif kind == "labels":
            labels, label = value.get("labels"), _one_label(value.get("labels"))
            start, end = value.get("start"), value.get("end")
            if label is None or not isinstance(start, int) or not isinstance(end, int):
                doc.problem(
                    where, f"a region needs integer start/end and exactly one label, got {start!r}, {end!r}, {labels}"
                )
                doc.broken.add(str(item.get("id")))
                continue
            surface = value.get("text")
            if isinstance(surface, str) and 0 <= start < end <= len(doc.text) and doc.text[start:end] != surface:
                doc.problem(
                    where,
                    f"text mismatch: the region's text is {surface!r} "
                    f"but text[{start}:{end}] is {doc.text[start:end]!r}"
                    + _surface_hint(doc.text, start, end, surface),
                )
                doc.broken.add(str(item.get("id")))
                continue
            doc.spans.append(ToolSpan(str(item.get("id")), start, end, label, where))
            region_meta = item.get("meta") or {}
            if isinstance(region_meta, dict) and region_meta.get("text"):
                texts = region_meta["text"]
                notes.setdefault(str(item.get("id")), []).extend(texts if isinstance(texts, list) else [str(texts)])
                note_where.setdefault(str(item.get("id")), where)
        elif kind == "textarea":
            texts = value.get("text") or []
            notes.setdefault(str(item.get("id")), []).extend(texts if isinstance(texts, list) else [str(texts)])
            note_where[str(item.get("id"))] = where
        else:
            doc.problem(where, f"result type {kind!r} is not read: only labels, textarea ({NOTE_NAME}) and relation")
    spans = {span.key: span for span in doc.spans}
    for key, texts in notes.items():
        if key in doc.broken:
            continue
        if key not in spans:
            doc.problem(note_where[key], f"text area for region {key!r}, which is no labelled region")
            continue
        problem = apply_note(spans[key], "; ".join(str(text) for text in texts))
        if problem:
            doc.problem(note_where[key], problem)
            doc.broken.add(key)


def _read_task(path: Path, index: int, task: Any) -> tuple[Article | None, list[CorpusIssue]]:
    field = f"[{index}]"
    data = task.get("data") if isinstance(task, dict) else None
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        return None, [CorpusIssue(str(path), None, None, f"{field}.data.text", "expected a task with data.text")]
    article_id = str(data.get("article_id") or task.get("id") or f"task-{index}")
    doc = ToolDocument(str(path), article_id, data["text"], Where(field))
    split_meta(data, ("text", "article_id"), doc)
    picked = _pick_annotation(task, doc, field)
    if picked:
        annotation_index, annotation = picked
        results = annotation.get("result") or []
        if not isinstance(results, list):
            doc.problem(Where(f"{field}.annotations[{annotation_index}].result"), "expected a list")
        else:
            _read_result(doc, results, f"{field}.annotations[{annotation_index}].result")
    return assemble(doc), doc.issues


def _tasks(file: Path) -> Iterator[CorpusIssue | tuple[None, int, Any]]:
    tasks, issue = load_json(file)
    if issue:
        yield issue
        return
    tasks = [tasks] if isinstance(tasks, dict) else tasks
    if not isinstance(tasks, list):
        yield CorpusIssue(str(file), None, None, "tasks", "expected a JSON list of tasks")
        return
    for index, task in enumerate(tasks):
        yield None, index, task


def read_labelstudio(path: Path) -> list[Article]:
    """Articles of a Label Studio JSON export (a file, or every ``*.json`` under a folder)."""
    return read_export(path, (".json",), _tasks, _read_task)


# --- writing ------------------------------------------------------------------------------------


def _region(span: ToolSpan, text: str) -> list[dict[str, Any]]:
    value = {"start": span.start, "end": span.end, "text": text[span.start : span.end]}
    region = {
        "value": {**value, "labels": [span.label]},
        "id": span.key,
        "from_name": LABELS_NAME,
        "to_name": TEXT_NAME,
        "type": "labels",
        "origin": "manual",
    }
    note = {
        "value": {"start": span.start, "end": span.end, "text": [format_note(span)]},
        "id": span.key,
        "from_name": NOTE_NAME,
        "to_name": TEXT_NAME,
        "type": "textarea",
        "origin": "manual",
    }
    return [region, note]


def render_tasks(articles: list[Article], path: Path) -> tuple[list[dict[str, Any]], list[CorpusIssue]]:
    tasks, issues = [], []
    for number, article in enumerate(articles, start=1):
        spans, relations, problems = decompose(article)
        issues.extend(CorpusIssue(str(path), None, article.id, field, message) for field, message in problems)
        result = [item for span in spans for item in _region(span, article.text)]
        result.extend(
            {
                "from_id": relation.source,
                "to_id": relation.target,
                "type": "relation",
                "direction": "right",
                "labels": [relation.label],
            }
            for relation in relations
        )
        data: dict[str, Any] = {"text": article.text, "article_id": article.id}
        if article.meta:
            data["meta"] = article.meta
        if article.split:
            data["split"] = article.split
        annotation = {
            "id": number,
            "completed_by": 1,
            "result": result,
            "was_cancelled": False,
            "ground_truth": False,
            "lead_time": 0,
            "task": number,
        }
        tasks.append({"id": number, "data": data, "annotations": [annotation], "predictions": []})
    return tasks, issues


def render_config(articles: list[Article], labels: LabelSchema | None = None) -> str:
    """The labeling config that matches `render_tasks`: roles + Evidence, a per-region note, stance relations."""
    roles, stances = tool_labels(articles, labels)
    label_lines = "\n".join(f"    <Label value={quoteattr(role)}/>" for role in [*roles, EVIDENCE])
    relation_lines = "\n".join(f"    <Relation value={quoteattr(label)}/>" for label in stances)
    return f"""<View>
  <!-- Written by actorstance (docs/interop.md). Mentions: label = the actor's role, note
       "actor=ID; name=NAME". Evidence: label Evidence, note "stances=HOLDER->TARGET, ...".
       Stances: relations from a holder mention (or, for AUTHOR, an Evidence region) to a target mention. -->
  <Relations>
{relation_lines}
  </Relations>
  <Labels name="{LABELS_NAME}" toName="{TEXT_NAME}">
{label_lines}
  </Labels>
  <Text name="{TEXT_NAME}" value="$text"/>
  <TextArea name="{NOTE_NAME}" toName="{TEXT_NAME}" perRegion="true" editable="true" rows="1"
            placeholder="actor=ID; name=NAME  or  stances=HOLDER->TARGET"/>
</View>
"""


def write_labelstudio(articles: list[Article], path: Path, *, labels: LabelSchema | None = None) -> None:
    """Write the tasks (each file atomically) and the labeling config beside them (see `config_path`)."""
    path = Path(path)
    tasks, issues = render_tasks(articles, path)
    raise_if(issues)
    atomic_write_text(path, json.dumps(tasks, ensure_ascii=False, indent=1) + "\n")
    atomic_write_text(config_path(path), render_config(articles, labels))

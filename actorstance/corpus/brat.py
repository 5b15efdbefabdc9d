"""brat standoff: a folder of ``<id>.txt`` + ``<id>.ann`` pairs and an ``annotation.conf`` (docs/interop.md).

``T`` lines are mentions (type = role) and evidence spans (type ``Evidence``), ``R`` lines are stances
(type = stance label, ``Arg1`` holder side, ``Arg2`` target side), ``#`` AnnotatorNotes carry the
actor of a mention (``actor=JOR; name=Jordan``) and the stances an evidence span states
(``stances=JOR->USA``); an ``A`` line ``Actor T3 JOR`` may give the actor instead of the note.
Article ``meta`` and ``split`` go to ``<id>.meta.json``, a file brat does not list.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ..atomic import atomic_directory
from ..labels import LabelSchema
from ..schema import Article
from ._tool_articles import assemble, decompose
from ._tool_io import load_json, raise_if, tool_labels
from ._tool_notes import apply_note, format_note
from ._tool_records import EVIDENCE, ToolDocument, ToolRelation, ToolSpan, Where
from .jsonl import read_utf8
from .validation import CorpusIssue, check_unique_ids

__all__ = ["read_brat", "write_brat", "render_ann", "render_annotation_conf"]

ACTOR_ATTRIBUTE = "Actor"
NOTES = "AnnotatorNotes"
META_SUFFIX = ".meta.json"
_LINE_PIECES = re.compile(r"[^\r\n]+")
_SAFE_FILE_ID = re.compile(r"^[^./\\\x00][^/\\\x00]*$")


# --- reading ------------------------------------------------------------------------------------


def _parse_offsets(value: str) -> list[tuple[int, int]]:
    fragments = []
    for piece in value.split(";"):
        start, end = piece.split()
        fragments.append((int(start), int(end)))
    return fragments


def _textbound(doc: ToolDocument, ann_id: str, rest: str, where: Where) -> ToolSpan | None:
    head, tab, surface = rest.partition("\t")
    label, _, offsets = head.partition(" ")
    try:
        fragments = _parse_offsets(offsets)
    except ValueError:
        doc.problem(where, f"cannot read offsets {offsets!r} (expected 'START END' or 'START END;START END')")
        doc.broken.add(ann_id)
        return None
    start, end = fragments[0][0], fragments[-1][1]
    if len(fragments) > 1 and 0 <= start and end <= len(doc.text):
        pairs = list(zip(fragments, fragments[1:], strict=False))
        if any(left[1] > right[0] or doc.text[left[1] : right[0]].strip() for left, right in pairs):
            doc.problem(where, f"discontinuous span {offsets!r}: only fragments split at line breaks can be read")
            doc.broken.add(ann_id)
            return None
        joined = " ".join(doc.text[left:right] for left, right in fragments)
        if tab and surface != joined:
            doc.problem(where, f"text mismatch: the span's text is {surface!r} but the text at {offsets} is {joined!r}")
            doc.broken.add(ann_id)
            return None
        tab = ""  # checked here: the merged span's text has line breaks where brat shows spaces
    return ToolSpan(ann_id, start, end, label, where, surface=surface if tab else None)


def _parse_ann(doc: ToolDocument, ann_text: str) -> None:
    notes: dict[str, list[tuple[str, Where]]] = {}
    attributes: dict[str, tuple[str, Where]] = {}
    for number, line in enumerate(ann_text.split("\n"), start=1):
        if not line.strip():
            continue
        ann_id, tab, rest = line.partition("\t")
        where = Where(ann_id or "line", number)
        kind = ann_id[:1]
        if not tab:
            doc.problem(where, f"expected 'ID<TAB>...', got {line!r}")
        elif kind == "T":
            span = _textbound(doc, ann_id, rest, where)
            if span:
                doc.spans.append(span)
        elif kind == "R":
            parts = rest.split("\t")[0].split()
            args = [part.partition(":") for part in parts[1:]]
            if len(parts) != 3 or any(not colon or not key for _, colon, key in args):
                doc.problem(where, f"expected 'TYPE Arg1:ID Arg2:ID', got {rest!r}")
                continue
            doc.relations.append(ToolRelation(ann_id, args[0][2], args[1][2], parts[0], where))
        elif kind in ("A", "M"):
            parts = rest.split("\t")[0].split()
            if len(parts) != 3 or parts[0] != ACTOR_ATTRIBUTE:
                doc.problem(
                    where,
                    f"attribute {rest!r} is not read: the only attribute is '{ACTOR_ATTRIBUTE} <T-id> <actor id>'",
                )
            elif parts[1] in attributes:
                doc.problem(where, f"second {ACTOR_ATTRIBUTE} attribute for {parts[1]}")
            else:
                attributes[parts[1]] = (parts[2], where)
        elif kind == "#":
            head, _, note = rest.partition("\t")
            parts = head.split()
            if len(parts) != 2 or parts[0] != NOTES:
                doc.problem(where, f"expected '{NOTES} <id><TAB>note', got {rest!r}")
            else:
                notes.setdefault(parts[1], []).append((note, where))
        else:
            doc.problem(
                where,
                f"{line.split(chr(9))[0]!r}: events, normalizations and Equiv lines are not read (docs/interop.md)",
            )

    spans = {span.key: span for span in doc.spans}
    relations = {relation.key for relation in doc.relations}
    for target, entries in notes.items():
        where = entries[0][1]
        if target in doc.broken:
            continue
        if target not in spans:
            what = (
                "relations carry no notes: an evidence span lists its stances"
                if target in relations
                else "unknown annotation"
            )
            doc.problem(where, f"note on {target}: {what}")
            continue
        problem = apply_note(spans[target], "; ".join(note for note, _ in entries))
        if problem:
            doc.problem(where, problem)
            doc.broken.add(target)
    for target, (value, where) in attributes.items():
        span = spans.get(target)
        if target in doc.broken:
            continue
        if span is None or span.label == EVIDENCE:
            doc.problem(where, f"{ACTOR_ATTRIBUTE} attribute on {target}, which is no mention")
        elif span.actor and span.actor != value:
            doc.problem(where, f"{target} has {ACTOR_ATTRIBUTE} {value!r} but its note says actor={span.actor}")
        else:
            span.actor = value


def _read_sidecar(doc: ToolDocument, path: Path) -> None:
    record, issue = load_json(path)
    if issue:
        doc.issues.append(issue)
        return
    if not isinstance(record, dict) or set(record) - {"meta", "split"}:
        doc.problem(Where("meta", None), f"{path.name} must be an object with only 'meta' and 'split'")
        return
    doc.meta, doc.split = record.get("meta") or {}, record.get("split")


def _read_document(base: str) -> tuple[Article | None, list[CorpusIssue]]:
    ann_path, txt_path = Path(base + ".ann"), Path(base + ".txt")
    if not txt_path.is_file():
        return None, [
            CorpusIssue(str(ann_path), None, Path(base).name, "file", f"no text file {txt_path.name} beside it")
        ]
    text, issue = read_utf8(txt_path)
    if issue:
        return None, [issue]
    # brat reads texts with universal newlines: its offsets count '\r\n' as one character
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # type: ignore[union-attr]
    doc = ToolDocument(str(ann_path), Path(base).name, text, Where("article"))
    if Path(base + META_SUFFIX).is_file():
        _read_sidecar(doc, Path(base + META_SUFFIX))
    if ann_path.is_file():
        ann_text, issue = read_utf8(ann_path)
        if issue:
            return None, [issue]
        _parse_ann(doc, ann_text.replace("\r\n", "\n"))  # type: ignore[union-attr]
    return assemble(doc), doc.issues


def read_brat(path: Path) -> list[Article]:
    """Articles of a brat folder (searched recursively) or of one ``.ann`` / ``.txt`` file."""
    path = Path(path)
    if path.is_dir():
        bases = sorted(
            {
                str(file)[: -len(file.suffix)]
                for file in path.rglob("*")
                if file.suffix in (".ann", ".txt") and file.is_file()
            }
        )
    elif path.suffix in (".ann", ".txt") and path.exists():
        bases = [str(path)[: -len(path.suffix)]]
    else:
        raise_if([CorpusIssue(str(path), None, None, "path", "expected a brat folder or an existing .ann / .txt file")])
    articles, issues, located = [], [], []
    for base in bases:
        article, document_issues = _read_document(base)
        issues.extend(document_issues)
        if article:
            articles.append(article)
            located.append((base + ".ann", None, article))
    if not bases:
        issues.append(CorpusIssue(str(path), None, None, "path", "no .ann or .txt files found"))
    issues.extend(check_unique_ids(located))
    raise_if(issues)
    return articles


# --- writing ------------------------------------------------------------------------------------


def render_ann(article: Article) -> tuple[str, list[tuple[str, str]]]:
    """The ``.ann`` text of one article and the ``(field, message)`` problems that prevent writing it."""
    spans, relations, problems = decompose(article)
    if "\r" in article.text:
        problems.append(
            ("text", "brat reads texts with universal newlines, so a '\\r' would shift every offset after it")
        )
    numbers = {span.key: f"T{index}" for index, span in enumerate(spans, start=1)}
    lines, notes = [], []
    for span in spans:
        fragments = [
            (span.start + m.start(), span.start + m.end())
            for m in _LINE_PIECES.finditer(article.text[span.start : span.end])
        ]
        if not fragments:
            problems.append((span.where.field, "a span of line breaks only cannot be written"))
            continue
        offsets = ";".join(f"{start} {end}" for start, end in fragments)
        surface = " ".join(article.text[start:end] for start, end in fragments)
        lines.append(f"{numbers[span.key]}\t{span.label} {offsets}\t{surface}")
        notes.append(f"#{len(notes) + 1}\t{NOTES} {numbers[span.key]}\t{format_note(span)}")
    for index, relation in enumerate(relations, start=1):
        lines.append(f"R{index}\t{relation.label} Arg1:{numbers[relation.source]} Arg2:{numbers[relation.target]}\t")
    for label in {span.label for span in spans} | {relation.label for relation in relations}:
        if not label or any(char.isspace() for char in label):
            problems.append(("labels", f"brat type names cannot be empty or contain spaces: {label!r}"))
    return "".join(line + "\n" for line in lines + notes), problems


def render_annotation_conf(articles: list[Article], labels: LabelSchema | None = None) -> str:
    """annotation.conf: roles and ``Evidence`` as entity types, stance labels as relation types."""
    roles, stances = tool_labels(articles, labels)
    arg1 = "|".join([*roles, EVIDENCE])
    arg2 = "|".join(roles)
    actor_ids = sorted({actor.id for article in articles for actor in article.actors})
    lines = [
        "# Written by actorstance (docs/interop.md). Entity types are actor roles; Evidence marks the",
        "# text that states a stance. Relation types are stance labels, from a mention of the holder",
        "# (or, for the article's own voice, AUTHOR, from an Evidence span) to a mention of the target.",
        "# AnnotatorNotes: 'actor=ID; name=NAME' on mentions, 'stances=HOLDER->TARGET, ...' on Evidence.",
        "[entities]",
        *roles,
        EVIDENCE,
        "",
        "[relations]",
        "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>",
        *(f"{label}\tArg1:{arg1}, Arg2:{arg2}" for label in stances),
        "",
        "[events]",
        "",
        "[attributes]",
    ]
    if actor_ids:
        lines.append(f"{ACTOR_ATTRIBUTE}\tArg:{arg2}, Value:{'|'.join(actor_ids)}")
    return "\n".join(lines) + "\n"


def write_brat(
    articles: list[Article], path: Path, *, labels: LabelSchema | None = None, overwrite: bool = False
) -> None:
    """Write a brat folder atomically; an existing non-empty folder is replaced only with ``overwrite``."""
    path = Path(path)
    rendered, issues, seen = [], [], set()
    for article in articles:
        ann, problems = render_ann(article)
        if not _SAFE_FILE_ID.match(article.id) or article.id in seen:
            problems.append(("id", "article id cannot be a brat file name (unsafe or used twice)"))
        seen.add(article.id)
        issues.extend(
            CorpusIssue(str(path / f"{article.id}.ann"), None, article.id, field, message)
            for field, message in problems
        )
        rendered.append((article, ann))
    raise_if(issues)
    conf = render_annotation_conf(articles, labels)
    empty = path.is_dir() and not any(path.iterdir())
    with atomic_directory(path, overwrite=overwrite or empty) as staging:
        for article, ann in rendered:
            (staging / f"{article.id}.txt").write_text(article.text, encoding="utf-8", newline="")
            (staging / f"{article.id}.ann").write_text(ann, encoding="utf-8", newline="")
            if article.meta or article.split:
                sidecar = {key: value for key, value in (("meta", article.meta), ("split", article.split)) if value}
                (staging / f"{article.id}{META_SUFFIX}").write_text(
                    json.dumps(sidecar, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
                )
        (staging / "annotation.conf").write_text(conf, encoding="utf-8")

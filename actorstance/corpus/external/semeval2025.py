"""SemEval-2025 Task 10 subtask 1 (entity framing): roles of named-entity mentions in news.

A data folder holds ``raw-documents/<article_id>`` (the texts) and ``subtask-1-annotations.txt``:
tab-separated, no header, CRLF line endings, one mention a line::

    article_id  entity_mention  start_offset  end_offset  main_role  fine_role_1 [fine_role_2 ...]

Findings on the published English training data, and what the importer does
(see docs/external-data.md):

* Offsets count **UTF-16 code units** (an emoji counts 2), not bytes and not code points; the end
  offset is inclusive. They are converted to Python code-point offsets (end exclusive) and every
  mention's text is checked against the document's text there; all 414 published mentions match.
* Documents are read as bytes and decoded as UTF-8 with no newline translation: the article text
  is the file exactly (LF line ends in the published files; a CR would be kept and counted).
* Each annotated document is an article (id = file name without ``.txt``, ``meta["document"]`` =
  the file name), each annotation line an actor ``E1``, ``E2``, ... in file order, with one mention;
  its ``role`` is the first fine role, ``other_roles`` the others, in order. The main role is not
  stored: it is the fine role's group in the label schema's ``role_groups``; a line whose main
  role disagrees with it (or with an unknown role) is refused.
* Documents with no annotation line are skipped and counted in the import summary (``skipped:
  documents without annotations``, names in ``notes``); ``include_unannotated=True`` keeps them as
  articles without actors.
* Mentions that end on punctuation (``US-``, ``NASA)``, ``Ukraine?``) break the corpus rule that
  spans never start or end on punctuation: the mention is trimmed (``US``) and the original span
  kept in ``meta["semeval2025_trimmed"]``, which `write_semeval2025` uses to write it back as given.

`write_semeval2025` writes the task's own TSV from articles (predictions or gold): one line per
mention in text order, UTF-16 inclusive offsets, the main role derived from the first fine role,
the fine roles in order, CRLF. Reading the published data and writing it back reproduces
``subtask-1-annotations.txt`` byte for byte.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ...atomic import atomic_write_text
from ...labels import LabelSchema
from ...schema import Actor, Article, Mention
from .._utf16 import Utf16
from ..validation import CorpusIssue
from ._common import ImportResult, finish, read_utf8, trim_span

__all__ = [
    "SEMEVAL2025_ANNOTATIONS",
    "SEMEVAL2025_DOCUMENTS",
    "import_semeval2025",
    "read_semeval2025",
    "write_semeval2025",
]

SEMEVAL2025_ANNOTATIONS = "subtask-1-annotations.txt"
SEMEVAL2025_DOCUMENTS = "raw-documents"


def _plain_name(name: str) -> bool:
    return bool(name) and name not in (".", "..") and Path(name).name == name and "\\" not in name


def _locate(path: Path) -> tuple[Path, Path]:
    """(annotations file, raw-documents folder) for a data folder or an annotations file."""
    if path.is_dir():
        return path / SEMEVAL2025_ANNOTATIONS, path / SEMEVAL2025_DOCUMENTS
    return path, path.parent / SEMEVAL2025_DOCUMENTS


class _RowError(ValueError):
    def __init__(self, field: str, reason: str, message: str):
        super().__init__(message)
        self.field = field
        self.reason = reason


def _roles(fields: list[str], labels: LabelSchema) -> tuple[str, list[str]]:
    main, fine = fields[4], fields[5:]
    if main not in labels.role_groups:
        raise _RowError("main_role", "unknown main role", f"main role {main!r} is not one of {list(labels.role_groups)}")
    if not all(fine):
        raise _RowError("fine_roles", "empty fine role", f"empty fine role in {fine}")
    for role in fine:
        group = labels.coarse_role(role)
        if group != main:
            where = f"belongs to {group}" if group else f"is not a fine role of {labels.name}"
            raise _RowError("fine_roles", "fine role outside main role", f"fine role {role!r} {where}, not to {main}")
    return main, fine


def _mention_span(fields: list[str], text: str, utf16: Utf16) -> tuple[int, int]:
    """Code-point ``[start, end)`` of a row's mention, checked against the document text."""
    entity, start_text, end_text = fields[1], fields[2], fields[3]
    if not (start_text.isdigit() and end_text.isdigit()):
        raise _RowError("offsets", "bad offsets", f"offsets {start_text!r}, {end_text!r} are not whole numbers")
    start16, end16 = int(start_text), int(end_text) + 1
    start, end = utf16.to_points(start16), utf16.to_points(end16)
    if start is None or end is None or not start < end <= len(text):
        raise _RowError(
            "offsets",
            "bad offsets",
            f"UTF-16 offsets [{start16}, {end16 - 1}] (inclusive) are not a span of the document "
            f"({utf16.to_units(len(text))} UTF-16 units)",
        )
    if text[start:end] != entity:
        message = f"{entity!r} is not the document's text {text[start:end]!r} there"
        raise _RowError("entity_mention", "entity does not match text", message)
    return start, end


def import_semeval2025(
    path: str | Path, labels: LabelSchema | None = None, include_unannotated: bool = False
) -> ImportResult:
    """Articles of a SemEval-2025 T10 subtask-1 folder (or its annotations file); refusals as issues."""
    labels = labels or LabelSchema.shipped("semeval2025")
    annotations, documents = _locate(Path(path))
    result = ImportResult()
    table, problem = read_utf8(annotations)
    if problem:
        result.issues.append(problem)
        return result
    if not documents.is_dir():
        result.issues.append(CorpusIssue(str(documents), None, None, "path", "raw-documents folder not found"))
        return result

    rows: dict[str, list[tuple[int, list[str]]]] = {}
    lines = table.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        result.summary["lines"] += 1
        if line.endswith("\r"):
            line = line[:-1]
        else:
            result.summary["lines without CRLF"] += 1
        fields = line.split("\t")
        if len(fields) < 6:
            message = f"expected at least 6 tab-separated columns, found {len(fields)}"
            result.refuse(CorpusIssue(str(annotations), number, None, "columns", message), "columns")
            continue
        rows.setdefault(fields[0], []).append((number, fields))

    for document, document_rows in rows.items():
        article_id = document.removesuffix(".txt")
        plain_name = _plain_name(document)
        text, problem = read_utf8(documents / document) if plain_name and (documents / document).is_file() else (None, None)
        if text is None:
            if problem:
                message = problem.message
            elif plain_name:
                message = f"document {document!r} not found in {documents}"
            else:
                message = f"article_id {document!r} is not a plain file name"
            for number, _ in document_rows:
                issue = CorpusIssue(str(annotations), number, article_id, "article_id", message)
                result.refuse(issue, "document unreadable")
            continue
        utf16 = Utf16(text)
        actors: list[Actor] = []
        mentions: list[Mention] = []
        trimmed: list[dict[str, int]] = []
        for number, fields in document_rows:
            try:
                _, fine = _roles(fields, labels)
                start, end = _mention_span(fields, text, utf16)
                span = trim_span(text, start, end)
                if span is None:
                    raise _RowError("entity_mention", "entity without letters", f"{fields[1]!r} has no letter or digit")
                clash = next((m for m in mentions if m.start < span[1] and span[0] < m.end), None)
                if clash:
                    raise _RowError(
                        "offsets",
                        "overlapping mention",
                        f"{fields[1]!r} overlaps the earlier mention {clash.text!r} [{clash.start}, {clash.end})",
                    )
            except _RowError as error:
                result.refuse(CorpusIssue(str(annotations), number, article_id, error.field, str(error)), error.reason)
                continue
            if span != (start, end):
                trimmed.append({"start": span[0], "end": span[1], "original_start": start, "original_end": end})
            actor_id = f"E{len(actors) + 1}"
            actors.append(Actor(id=actor_id, name=fields[1], role=fine[0], other_roles=fine[1:] or None))
            mentions.append(Mention(start=span[0], end=span[1], text=text[span[0] : span[1]], actor=actor_id))
            result.summary["mentions"] += 1
            result.summary[f"mentions with {len(fine)} fine role(s)"] += 1
        if not actors:
            continue
        meta = {"source": "semeval2025", "document": document}
        if trimmed:
            meta["semeval2025_trimmed"] = trimmed
            result.summary["mentions trimmed"] += len(trimmed)
        result.articles.append(Article(id=article_id, text=text, meta=meta, actors=actors, mentions=mentions))

    names = sorted(file.name for file in documents.glob("*.txt") if file.is_file())
    unannotated = [name for name in names if name not in rows]
    result.notes["unannotated_documents"] = unannotated
    result.summary["documents"] = len(names)
    result.summary["articles"] = len(result.articles)
    if include_unannotated:
        for document in unannotated:
            text, problem = read_utf8(documents / document)
            if problem:
                result.issues.append(problem)
                continue
            result.articles.append(
                Article(id=document.removesuffix(".txt"), text=text, meta={"source": "semeval2025", "document": document})
            )
        result.summary["articles"] = len(result.articles)
    elif unannotated:
        result.summary["skipped: documents without annotations"] = len(unannotated)
    return result


def read_semeval2025(path: Path, strict: bool = False, include_unannotated: bool = False) -> list[Article]:
    """Annotated articles of a SemEval-2025 T10 folder; refusals and skipped documents are logged."""
    return finish(import_semeval2025(path, include_unannotated=include_unannotated), "semeval2025", strict)


def _document(article: Article) -> str:
    document = article.meta.get("document") or f"{article.id}.txt"
    if not isinstance(document, str) or not _plain_name(document) or any(char in document for char in "\t\r\n"):
        raise ValueError(f"article {article.id}: document name {document!r} is not a plain file name")
    return document


def _rows(article: Article, labels: LabelSchema) -> list[str]:
    document = _document(article)
    actors = article.actor_by_id()
    originals = {
        (entry["start"], entry["end"]): (entry["original_start"], entry["original_end"])
        for entry in article.meta.get("semeval2025_trimmed", [])
    }
    utf16 = Utf16(article.text)
    rows = []
    for mention in sorted(article.mentions, key=lambda mention: (mention.start, mention.end)):
        actor = actors.get(mention.actor)
        if actor is None:
            raise ValueError(f"article {article.id}: mention {mention.text!r} points to unknown actor {mention.actor!r}")
        fine = [actor.role, *(actor.other_roles or [])]
        main = labels.coarse_role(actor.role)
        if main is None:
            raise ValueError(f"article {article.id}: actor {actor.id} role {actor.role!r} has no main role in {labels.name}")
        stray = [role for role in fine if labels.coarse_role(role) != main]
        if stray:
            raise ValueError(
                f"article {article.id}: actor {actor.id} roles {stray} are not {main} roles like {actor.role!r}"
            )
        start, end = originals.get((mention.start, mention.end), (mention.start, mention.end))
        if not 0 <= start < end <= len(article.text):
            raise ValueError(f"article {article.id}: mention [{start}, {end}) is outside the text")
        surface = article.text[start:end]
        if any(char in surface for char in "\t\r\n"):
            raise ValueError(f"article {article.id}: {surface!r} cannot be written on one TSV line")
        rows.append("\t".join([document, surface, str(utf16.to_units(start)), str(utf16.to_units(end) - 1), main, *fine]) + "\r\n")
    return rows


def write_semeval2025(articles: Iterable[Article], path: Path, labels: LabelSchema | None = None) -> None:
    """Write articles in the task's TSV; a path without suffix is a data folder (TSV + raw documents).

    ``path`` ending in ``.txt``/``.tsv`` gets the annotations file only (a submission); any other
    path is made a folder holding ``subtask-1-annotations.txt`` and ``raw-documents/<id>.txt`` with
    each article's text exactly, which `read_semeval2025` reads back.
    """
    labels = labels or LabelSchema.shipped("semeval2025")
    articles = list(articles)
    table = "".join(row for article in articles for row in _rows(article, labels))
    path = Path(path)
    if path.suffix in (".txt", ".tsv") and not path.is_dir():
        atomic_write_text(path, table)
        return
    for article in articles:
        atomic_write_text(path / SEMEVAL2025_DOCUMENTS / _document(article), article.text)
    atomic_write_text(path / SEMEVAL2025_ANNOTATIONS, table)

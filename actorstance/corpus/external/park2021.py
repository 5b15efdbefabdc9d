"""Park, Pan, Joo (2021) directed entity-to-entity sentiment: ``sentence<TAB>p<TAB>q<TAB>label``.

Each line is one article: the sentence with its square brackets removed, the two entities as
actors ``P`` and ``Q`` (role ``ENTITY``, names the entity strings as given), their bracketed spans
as mentions, and the label as a directed edge with the whole sentence as evidence:

====== ======================= ==================
label  meaning                 edge
====== ======================= ==================
0      neutral                 none
1      positive p -> q         P -> Q SUPPORT
2      positive q -> p         Q -> P SUPPORT
3      negative p -> q         P -> Q OPPOSE
4      negative q -> p         Q -> P OPPOSE
====== ======================= ==================

The original label is kept in ``meta["park2021_label"]``, so the 5-class metric can be recomputed.

Oddities of the published files, and what the importer does (see docs/external-data.md):

* Fields holding a ``"`` are CSV-quoted (wrapped in ``"``, inner ``"`` doubled): parsed as CSV
  with a tab delimiter.
  A line that is not valid CSV but splits into exactly four tab-separated fields is read as is.
* Brackets cut words (``[the United State]s``): the mention is the bracketed part only.
* Brackets hold whitespace or punctuation at an edge (``[Kasich’]s``, ``[Richard ]Pedie``,
  ``[the U. S. ”]One``): the mention is trimmed to its first and last letter/digit (a final ``.``
  after a letter stays: ``U.S.``); the actor's name keeps the entity string as given.
* A bracketed entity with no letter or digit (``[,]``, ``[’]s``, ``[.]``) is no mention: the line is
  refused with a `CorpusIssue`, as are lines with nested, unbalanced or missing brackets, a bracketed
  text that is neither p nor q, a bad label or the wrong number of columns.
* An entity bracketed several times gets one mention per bracket; p and q equal as strings must be
  bracketed exactly twice (first P, then Q), else the line is refused.
"""

from __future__ import annotations

import csv
from pathlib import Path

from ...schema import Actor, Article, Mention, Span, Stance
from ..validation import CorpusIssue
from ._common import ImportResult, finish, import_lines, split_of, trim_span

__all__ = ["PARK2021_EDGES", "PARK2021_ROLE", "import_park2021", "read_park2021"]

PARK2021_ROLE = "ENTITY"

PARK2021_EDGES: dict[int, tuple[str, str, str] | None] = {
    0: None,
    1: ("P", "Q", "SUPPORT"),
    2: ("Q", "P", "SUPPORT"),
    3: ("P", "Q", "OPPOSE"),
    4: ("Q", "P", "OPPOSE"),
}
"""Park label -> (holder, target, stance label), ``None`` for neutral (no edge)."""


class _LineError(ValueError):
    def __init__(self, field: str, reason: str, message: str):
        super().__init__(message)
        self.field = field
        self.reason = reason


def _fields(line: str) -> tuple[list[str], bool]:
    """The four columns of a line, and whether plain tab splitting had to stand in for CSV."""
    try:
        rows = list(csv.reader([line], delimiter="\t", quotechar='"', strict=True))
    except csv.Error:
        rows = []
    if len(rows) == 1 and len(rows[0]) == 4:
        return rows[0], False
    plain = line.split("\t")
    if len(plain) == 4:
        return plain, True
    found = len(rows[0]) if len(rows) == 1 else len(plain)
    raise _LineError("columns", "columns", f"expected 4 tab-separated columns (sentence, p, q, label), found {found}")


def _unbracket(sentence: str) -> tuple[str, list[tuple[int, int]]]:
    """The sentence without brackets, and each bracketed part's ``[start, end)`` in it."""
    chars: list[str] = []
    spans: list[tuple[int, int]] = []
    open_at: int | None = None
    for column, char in enumerate(sentence, start=1):
        if char == "[":
            if open_at is not None:
                raise _LineError("sentence", "brackets", f"nested '[' at column {column}")
            open_at = len(chars)
        elif char == "]":
            if open_at is None:
                raise _LineError("sentence", "brackets", f"']' without '[' at column {column}")
            spans.append((open_at, len(chars)))
            open_at = None
        else:
            chars.append(char)
    if open_at is not None:
        raise _LineError("sentence", "brackets", "a '[' is never closed")
    if not spans:
        raise _LineError("sentence", "brackets", "no bracketed entity")
    return "".join(chars), spans


def _owners(text: str, spans: list[tuple[int, int]], p: str, q: str) -> list[str]:
    """``P`` or ``Q`` for each bracketed span, by comparing its text with the p and q columns."""
    p_key, q_key = p.strip(), q.strip()
    contents = [text[start:end].strip() for start, end in spans]
    if p_key == q_key:
        if len(spans) != 2 or contents != [p_key, p_key]:
            raise _LineError(
                "p", "p equals q", f"p and q are both {p!r}; expected it bracketed exactly twice, found {contents}"
            )
        return ["P", "Q"]
    owners = []
    for content in contents:
        if content == p_key:
            owners.append("P")
        elif content == q_key:
            owners.append("Q")
        else:
            raise _LineError("sentence", "bracket text", f"bracketed {content!r} is neither p {p!r} nor q {q!r}")
    for owner, column in (("P", "p"), ("Q", "q")):
        if owner not in owners:
            raise _LineError(column, "entity not bracketed", f"{column} {(p if owner == 'P' else q)!r} is not bracketed")
    return owners


def _label(value: str) -> int:
    try:
        label = int(value.strip())
    except ValueError:
        label = -1
    if label not in PARK2021_EDGES:
        raise _LineError("label", "label", f"label {value!r} is not one of 0-4")
    return label


def _article(line: str, article_id: str, file: Path, number: int, result: ImportResult) -> Article:
    columns, plain = _fields(line)
    sentence, p, q, label_text = columns
    label = _label(label_text)
    for column, value in (("p", p), ("q", q)):
        if not value.strip():
            raise _LineError(column, "empty entity", f"{column} is empty")
    text, spans = _unbracket(sentence)
    owners = _owners(text, spans, p, q)
    mentions = []
    trimmed = 0
    for (start, end), owner in zip(spans, owners):
        span = trim_span(text, start, end)
        if span is None:
            raise _LineError(
                owner.lower(), "entity without letters", f"bracketed {text[start:end]!r} has no letter or digit: no mention"
            )
        trimmed += span != (start, end)
        mentions.append(Mention(start=span[0], end=span[1], text=text[span[0] : span[1]], actor=owner))
    edge = PARK2021_EDGES[label]
    stances = []
    if edge:
        stances.append(Stance(holder=edge[0], target=edge[1], label=edge[2], evidence=[Span(start=0, end=len(text))]))
    result.summary["mentions trimmed"] += trimmed
    result.summary["lines read without CSV quoting"] += plain
    result.summary[f"label {label}"] += 1
    return Article(
        id=article_id,
        text=text,
        meta={"source": "park2021", "file": file.name, "line": number, "park2021_label": label},
        actors=[Actor(id="P", name=p, role=PARK2021_ROLE), Actor(id="Q", name=q, role=PARK2021_ROLE)],
        mentions=sorted(mentions, key=lambda mention: mention.start),
        stances=stances,
        split=split_of(file.stem),
    )


def _parse_line(line: str, article_id: str, file: Path, number: int, result: ImportResult) -> Article | None:
    try:
        return _article(line, article_id, file, number, result)
    except _LineError as error:
        result.refuse(CorpusIssue(str(file), number, article_id, error.field, str(error)), error.reason)
        return None


def import_park2021(path: str | Path) -> ImportResult:
    """Every line of a Park 2021 file (or of each ``*.txt``/``*.tsv`` in a folder), refused ones as issues."""
    return import_lines(path, (".txt", ".tsv"), "park2021", _parse_line)


def read_park2021(path: Path, strict: bool = False) -> list[Article]:
    """Articles of a Park 2021 TSV file or folder; refused lines are logged (``strict``: raised)."""
    return finish(import_park2021(path), "park2021", strict)

"""The inline authoring notation: articles a person can write and read, compiled to exact offsets.

One file holds any number of articles::

    === article al-tanf-talks
    split: train
    meta: {"title": "US and Jordan talk", "date": "2022-05-30"}
    actor: JOR | Jordan | GOV
    actor: USA | United States | GOV
    stance: JOR -> USA | SUPPORT | "Jordanian and US officials have begun negotiations"
    text:
    [Jordanian](JOR) and [US officials](USA) have begun negotiations ...

* ``[surface](ACTOR_ID)`` marks a mention. ``\\`` escapes the next character, so a literal
  bracket is ``\\[`` / ``\\]`` and a literal backslash ``\\\\``.
* A stance's evidence is zero or more JSON strings quoting the plain text; ``"..."@2`` picks the
  second occurrence; ``120:168`` gives raw offsets. The holder may be ``AUTHOR``.
* The text runs from the line after ``text:`` to the next ``=== article`` line (or the end of the
  file); one empty line before that mark (or the file's final newline) is not part of the text.
* Header lines starting with ``#`` are comments.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ..schema import Actor, Article, Mention, Span, Stance
from ..atomic import atomic_write_text
from .validation import CorpusError, CorpusIssue

__all__ = ["parse_inline", "render_inline", "render_article", "read_inline", "write_inline"]

ARTICLE_MARK = "=== article "
_ID = r"[A-Za-z0-9_.:\-]+"
_STANCE_EDGE = re.compile(rf"^\s*(?P<holder>{_ID})\s*->\s*(?P<target>{_ID})\s*$")
_ACTOR_REF = re.compile(rf"\((?P<actor>{_ID})\)")
_OFFSETS = re.compile(r"(?P<start>\d+):(?P<end>\d+)")
_OCCURRENCE = re.compile(r"@(?P<n>\d+)")


class _InlineSyntaxError(ValueError):
    def __init__(self, field: str, message: str, line: int | None = None):
        super().__init__(message)
        self.field = field
        self.line = line


def _occurrences(text: str, quote: str) -> list[int]:
    starts, position = [], text.find(quote)
    while position != -1:
        starts.append(position)
        position = text.find(quote, position + 1)
    return starts


def _parse_body(lines: list[str], first_line: int) -> tuple[str, list[Mention]]:
    """Plain text and mentions from the marked-up body; raises on unbalanced markup."""
    source = "\n".join(lines)
    line_starts = [0]
    for line in lines[:-1]:
        line_starts.append(line_starts[-1] + len(line) + 1)

    def line_of(offset: int) -> int:
        return first_line + max(i for i, start in enumerate(line_starts) if start <= offset)

    plain: list[str] = []
    mentions: list[Mention] = []
    open_at: tuple[int, int] | None = None  # (source offset, plain offset) of an open '['
    length = 0
    index = 0
    while index < len(source):
        char = source[index]
        if char == "\\" and index + 1 < len(source):
            plain.append(source[index + 1])
            length += 1
            index += 2
            continue
        if char == "[":
            if open_at is not None:
                raise _InlineSyntaxError("text", "'[' inside a mention (escape it as '\\[')", line_of(index))
            open_at = (index, length)
            index += 1
            continue
        if char == "]" and open_at is not None:
            reference = _ACTOR_REF.match(source, index + 1)
            if not reference:
                raise _InlineSyntaxError("text", "mention ']' must be followed by '(ACTOR_ID)'", line_of(index))
            surface = "".join(plain)[open_at[1] :]
            mentions.append(Mention(start=open_at[1], end=length, text=surface, actor=reference["actor"]))
            open_at = None
            index = reference.end()
            continue
        plain.append(char)
        length += 1
        index += 1
    if open_at is not None:
        raise _InlineSyntaxError("text", "mention '[' is never closed", line_of(open_at[0]))
    return "".join(plain), mentions


def _parse_evidence(source: str, text: str) -> list[Span]:
    spans: list[Span] = []
    decoder = json.JSONDecoder()
    position = 0
    while True:
        while position < len(source) and source[position].isspace():
            position += 1
        if position == len(source):
            return spans
        offsets = _OFFSETS.match(source, position)
        if offsets:
            spans.append(Span(start=int(offsets["start"]), end=int(offsets["end"])))
            position = offsets.end()
            continue
        try:
            quote, position = decoder.raw_decode(source, position)
        except json.JSONDecodeError as error:
            raise _InlineSyntaxError("evidence", f"expected a JSON string or START:END: {error.msg}") from None
        if not isinstance(quote, str) or not quote:
            raise _InlineSyntaxError("evidence", f"expected a non-empty quoted string, got {quote!r}")
        occurrence = _OCCURRENCE.match(source, position)
        wanted = int(occurrence["n"]) if occurrence else 1
        position = occurrence.end() if occurrence else position
        starts = _occurrences(text, quote)
        if len(starts) < wanted or wanted < 1:
            raise _InlineSyntaxError("evidence", f"{quote!r} occurs {len(starts)} time(s) in the text, not {wanted}")
        start = starts[wanted - 1]
        spans.append(Span(start=start, end=start + len(quote)))


def _parse_article(article_id: str, lines: list[tuple[int, str]]) -> Article:
    fields: dict = {"id": article_id, "actors": [], "stances": []}
    stance_lines: list[tuple[int, str]] = []
    body_at = None
    for position, (line_number, line) in enumerate(lines):
        if not line.strip() or line.startswith("#"):
            continue
        key, separator, value = line.partition(":")
        key, value = key.strip(), value.strip()
        if not separator:
            raise _InlineSyntaxError("header", f"expected 'key: value', got {line!r}", line_number)
        if key == "text":
            body_at = position + 1
            break
        if key == "split":
            fields["split"] = value
        elif key == "meta":
            try:
                fields["meta"] = json.loads(value)
            except json.JSONDecodeError as error:
                raise _InlineSyntaxError("meta", f"invalid JSON: {error.msg}", line_number) from None
        elif key == "actor":
            parts = [part.strip() for part in value.split("|")]
            if len(parts) != 3:
                raise _InlineSyntaxError("actor", "expected 'actor: ID | name | ROLE'", line_number)
            fields["actors"].append(Actor(id=parts[0], name=parts[1], role=parts[2]))
        elif key == "stance":
            stance_lines.append((line_number, value))
        else:
            raise _InlineSyntaxError("header", f"unknown key {key!r} (expected split, meta, actor, stance or text)", line_number)
    if body_at is None:
        raise _InlineSyntaxError("text", "no 'text:' line", lines[0][0] if lines else None)
    body = [line for _, line in lines[body_at:]]
    first_body_line = lines[body_at][0] if body_at < len(lines) else lines[-1][0] + 1
    fields["text"], fields["mentions"] = _parse_body(body, first_body_line)
    for line_number, value in stance_lines:
        parts = value.split("|", 2)
        edge = _STANCE_EDGE.match(parts[0])
        if len(parts) < 2 or not edge:
            raise _InlineSyntaxError("stance", "expected 'stance: HOLDER -> TARGET | LABEL | evidence...'", line_number)
        try:
            evidence = _parse_evidence(parts[2] if len(parts) == 3 else "", fields["text"])
        except _InlineSyntaxError as error:
            error.line = line_number
            raise
        fields["stances"].append(
            Stance(holder=edge["holder"], target=edge["target"], label=parts[1].strip(), evidence=evidence)
        )
    return Article.model_validate(fields)


def parse_inline(source: str, path: str = "<inline>") -> tuple[list[tuple[int, Article]], list[CorpusIssue]]:
    """Articles (with the line each starts on) and the syntax issues of an inline-notation file."""
    blocks: list[tuple[int, str, list[tuple[int, str]]]] = []
    issues: list[CorpusIssue] = []
    for line_number, line in enumerate(source.split("\n"), start=1):
        if line.startswith(ARTICLE_MARK):
            blocks.append((line_number, line[len(ARTICLE_MARK) :].strip(), []))
        elif blocks:
            blocks[-1][2].append((line_number, line))
        elif line.strip() and not line.startswith("#"):
            issues.append(CorpusIssue(path, line_number, None, "header", f"text before the first '{ARTICLE_MARK.strip()}' line"))
    articles: list[tuple[int, Article]] = []
    for line_number, article_id, lines in blocks:
        if lines and lines[-1][1] == "":
            lines = lines[:-1]  # one blank line before the next mark, or the file's final newline
        try:
            articles.append((line_number, _parse_article(article_id, lines)))
        except _InlineSyntaxError as error:
            issues.append(CorpusIssue(path, error.line or line_number, article_id, error.field, str(error)))
        except ValueError as error:  # pydantic: a bad split value or similar
            issues.append(CorpusIssue(path, line_number, article_id, "article", str(error).splitlines()[0]))
    return articles, issues


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


def _render_evidence(text: str, span: Span) -> str:
    quote = text[span.start : span.end]
    if not quote or span.end > len(text):
        return f"{span.start}:{span.end}"
    rank = _occurrences(text, quote).index(span.start) + 1
    return json.dumps(quote, ensure_ascii=False) + (f"@{rank}" if rank > 1 else "")


def render_article(article: Article) -> str:
    """One article in inline notation; `parse_inline` gives the same article back."""
    lines = [f"{ARTICLE_MARK}{article.id}"]
    if article.split:
        lines.append(f"split: {article.split}")
    if article.meta:
        lines.append(f"meta: {json.dumps(article.meta, ensure_ascii=False)}")
    lines.extend(f"actor: {actor.id} | {actor.name} | {actor.role}" for actor in article.actors)
    for stance in article.stances:
        evidence = " ".join(_render_evidence(article.text, span) for span in stance.evidence)
        lines.append(f"stance: {stance.holder} -> {stance.target} | {stance.label}" + (f" | {evidence}" if evidence else ""))
    lines.append("text:")
    body, cursor = [], 0
    for mention in sorted(article.mentions, key=lambda m: m.start):
        body.append(_escape(article.text[cursor : mention.start]))
        body.append(f"[{_escape(article.text[mention.start : mention.end])}]({mention.actor})")
        cursor = mention.end
    body.append(_escape(article.text[cursor:]))
    rendered_body = "".join(body)
    rendered_body = re.sub(rf"(?m)^{re.escape(ARTICLE_MARK)}", lambda match: "\\" + match.group(0), rendered_body)
    return "\n".join(lines) + "\n" + rendered_body + "\n"


def render_inline(articles: list[Article]) -> str:
    return "\n".join(render_article(article) for article in articles)


def read_inline_file(path: str | Path) -> tuple[list[tuple[int, Article]], list[CorpusIssue]]:
    return parse_inline(Path(path).read_text(encoding="utf-8"), str(path))


def read_inline(path: Path) -> list[Article]:
    """Articles of an inline file, or of every ``*.txt`` inline file in a folder."""
    files = sorted(path.rglob("*.txt")) if path.is_dir() else [path]
    articles, issues = [], []
    for file in files:
        located, file_issues = read_inline_file(file)
        articles.extend(article for _, article in located)
        issues.extend(file_issues)
    if issues:
        raise CorpusError(issues)
    return articles


def write_inline(articles: list[Article], path: Path) -> None:
    atomic_write_text(path, render_inline(articles))

"""The note language on tool spans: ``actor=JOR; name=Jordan`` on a mention, ``stances=JOR->USA`` on
an evidence span (docs/interop.md); `apply_note` reads one into a `ToolSpan`, `format_note` writes it."""

from __future__ import annotations

import re

from ._tool_records import EVIDENCE, ToolSpan

__all__ = ["NOTE_SPLIT", "apply_note", "format_note", "check_token"]

_NOTE_KEYS = ("actor", "name", "other_roles", "stances")
NOTE_SPLIT = re.compile(r";\s*(?=(?:{})\s*=)".format("|".join(_NOTE_KEYS)))
"""Splits a note into its ``key=value`` parts (a ``;`` inside a value stays)."""
_ID_FORBIDDEN = re.compile(r"[\s,;=]|->")


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
    for part in NOTE_SPLIT.split(full):
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
        problem = check_token(id_, "id")
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


def check_token(value: str, what: str) -> str | None:
    if not value or _ID_FORBIDDEN.search(value):
        return f"{what} {value!r} is not usable: ids must be non-empty without spaces, ',', ';', '=' or '->'"
    return None

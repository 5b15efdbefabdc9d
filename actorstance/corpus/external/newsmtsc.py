"""NewsMTSC (Hamborg & Donnay 2021): target-dependent sentiment toward persons, the author's view.

JSONL, one sentence a line: ``primary_gid``, ``sentence_normalized``, ``targets`` (``Input.gid``,
``from``, ``to`` end-exclusive, ``mention``, ``polarity``, optional ``further_mentions``). Each line
is one article (id ``newsmtsc-<file stem>-<line>``, text ``sentence_normalized`` as given); each
target an actor ``T1``, ``T2``, ... of role ``PERSON`` with its mention, and a stance
``AUTHOR -> target`` (2.0 -> OPPOSE, 4.0 -> NEUTRAL, 6.0 -> SUPPORT) with the whole sentence as
evidence.

What the published files hold, and what the importer does (see docs/external-data.md):

* One to three targets a line: one actor each.
* The same span given as two targets (``Mr. Trump`` twice, other ``Input.gid``): one actor and one
  stance; their polarities always agree in the published files; if they did not, both would be
  refused.
* Targets whose spans overlap without being equal (``Roger`` inside ``Roger Ailes``): the corpus
  allows no overlapping mentions, so the first target in the line's list is kept and the later
  one refused with a `CorpusIssue` (their polarities agree in every case of the published files).
* Mentions with whitespace or punctuation at an edge (``[Mr. Trump]``, ``"Paul``): trimmed to the
  first and last letter/digit before the checks above.
* ``further_mentions`` (coreferences found automatically, often pronouns) are not made mentions.
* Nothing is lost: ``meta["newsmtsc_targets"]`` keeps every target of the line as given, each with
  the ``actor`` it became (``null`` where refused), so the per-target metric can be recomputed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ...schema import AUTHOR, Actor, Article, Mention, Span, Stance
from ..validation import CorpusIssue
from ._common import ImportResult, finish, import_lines, split_of, trim_span

__all__ = ["NEWSMTSC_POLARITY", "NEWSMTSC_ROLE", "import_newsmtsc", "read_newsmtsc"]

NEWSMTSC_ROLE = "PERSON"

NEWSMTSC_POLARITY = {2.0: "OPPOSE", 4.0: "NEUTRAL", 6.0: "SUPPORT"}
"""NewsMTSC polarity -> stance label of ``AUTHOR -> target``."""


def _target_span(sentence: str, target: Any) -> tuple[int, int, float] | str:
    """``(start, end, polarity)`` of a target, trimmed, or why it cannot be imported."""
    if not isinstance(target, dict):
        return f"expected a JSON object, got {type(target).__name__}"
    start, end, mention, polarity = (target.get(key) for key in ("from", "to", "mention", "polarity"))
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(sentence)):
        return f"from/to {start!r}/{end!r} are not a span of the sentence (length {len(sentence)})"
    if sentence[start:end] != mention:
        return f"mention {mention!r} is not the sentence's text {sentence[start:end]!r} at [{start}, {end})"
    if isinstance(polarity, bool) or not isinstance(polarity, (int, float)) or polarity not in NEWSMTSC_POLARITY:
        return f"polarity {polarity!r} is not one of 2.0, 4.0, 6.0"
    span = trim_span(sentence, start, end)
    if span is None:
        return f"mention {mention!r} has no letter or digit"
    return span[0], span[1], float(polarity)


def _article(record: Any, article_id: str, path: Path, number: int, result: ImportResult) -> Article | None:
    def refuse(field: str, reason: str, message: str) -> None:
        result.refuse(CorpusIssue(str(path), number, article_id, field, message), reason)

    if not isinstance(record, dict):
        refuse("line", "not an object", f"expected a JSON object, got {type(record).__name__}")
        return None
    sentence, targets = record.get("sentence_normalized"), record.get("targets")
    if not isinstance(sentence, str) or not sentence:
        refuse("sentence_normalized", "no sentence", "missing or not a non-empty string")
        return None
    if not isinstance(targets, list) or not targets:
        refuse("targets", "no targets", "missing or not a non-empty list")
        return None

    result.summary["targets"] += len(targets)
    spans: list[tuple[int, int, float] | None] = []
    for index, target in enumerate(targets):
        span = _target_span(sentence, target)
        if isinstance(span, str):
            refuse(f"targets[{index}]", "bad target", span)
            span = None
        spans.append(span)

    # the same span twice is one target; polarities that disagree refuse both
    polarities: dict[tuple[int, int], set[float]] = {}
    for span in spans:
        if span:
            polarities.setdefault(span[:2], set()).add(span[2])
    actor_of: dict[tuple[int, int], str] = {}
    kept: list[tuple[int, int]] = []
    for index, span in enumerate(spans):
        if span is None:
            continue
        key = span[:2]
        if len(polarities[key]) > 1:
            message = f"span {list(key)} is given with polarities {sorted(polarities[key])}"
            refuse(f"targets[{index}]", "conflicting polarities", message)
            continue
        if key in actor_of:
            result.summary["duplicate targets merged"] += 1
            continue
        clash = next((other for other in kept if other[0] < key[1] and key[0] < other[1]), None)
        if clash:
            refuse(
                f"targets[{index}]",
                "overlaps an earlier target",
                f"mention {sentence[key[0]:key[1]]!r} {list(key)} (polarity {span[2]}) overlaps the earlier target "
                f"{sentence[clash[0]:clash[1]]!r} {list(clash)} (polarity {min(polarities[clash])})",
            )
            continue
        actor_of[key] = f"T{len(kept) + 1}"
        kept.append(key)
        result.summary["mentions trimmed"] += key != (targets[index]["from"], targets[index]["to"])

    if not kept:
        return None
    actors, mentions, stances = [], [], []
    evidence = [Span(start=0, end=len(sentence))]
    for key in kept:
        actor_id, surface = actor_of[key], sentence[key[0] : key[1]]
        label = NEWSMTSC_POLARITY[next(iter(polarities[key]))]
        actors.append(Actor(id=actor_id, name=surface, role=NEWSMTSC_ROLE))
        mentions.append(Mention(start=key[0], end=key[1], text=surface, actor=actor_id))
        stances.append(Stance(holder=AUTHOR, target=actor_id, label=label, evidence=evidence))
        result.summary[f"stance {label}"] += 1
    recorded = []
    for target, span in zip(targets, spans):
        entry = dict(target) if isinstance(target, dict) else {"value": target}
        entry["actor"] = actor_of.get(span[:2]) if span and len(polarities[span[:2]]) == 1 else None
        recorded.append(entry)
    return Article(
        id=article_id,
        text=sentence,
        meta={
            "source": "newsmtsc",
            "file": path.name,
            "line": number,
            "newsmtsc_primary_gid": record.get("primary_gid"),
            "newsmtsc_targets": recorded,
        },
        actors=actors,
        mentions=sorted(mentions, key=lambda mention: mention.start),
        stances=stances,
        split=split_of(path.stem),
    )


def _parse_line(line: str, article_id: str, file: Path, number: int, result: ImportResult) -> Article | None:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        issue = CorpusIssue(str(file), number, article_id, "json", f"invalid JSON: {error.msg} at column {error.colno}")
        result.refuse(issue, "invalid JSON")
        return None
    return _article(record, article_id, file, number, result)


def import_newsmtsc(path: str | Path) -> ImportResult:
    """Every line of a NewsMTSC JSONL file (or of each ``*.jsonl`` in a folder); refusals as issues."""
    return import_lines(path, (".jsonl",), "newsmtsc", _parse_line)


def read_newsmtsc(path: Path, strict: bool = False) -> list[Article]:
    """Articles of a NewsMTSC JSONL file or folder; refused lines/targets are logged (``strict``: raised)."""
    return finish(import_newsmtsc(path), "newsmtsc", strict)

"""Articles to tool records and back, for brat, Label Studio and doccano alike.

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

from typing import Any

from pydantic import ValidationError

from ..schema import AUTHOR, Article, Span
from ._tool_notes import NOTE_SPLIT, check_token
from ._tool_records import EVIDENCE, ToolDocument, ToolRelation, ToolSpan, Where

__all__ = ["assemble", "decompose"]


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


def decompose(article: Article) -> tuple[list[ToolSpan], list[ToolRelation], list[tuple[str, str]]]:
    """Spans and relations that `assemble` turns back into ``article``, and ``(field, message)`` problems.

    Span keys are ``m<i>`` (``article.mentions[i]``) and ``e<j>`` (the j-th distinct evidence span);
    relation keys are ``r<i>`` (``article.stances[i]``).
    """
    problems: list[tuple[str, str]] = []
    text = article.text
    actors = article.actor_by_id()
    for index, actor in enumerate(article.actors):
        problem = check_token(actor.id, "actor id")
        if problem:
            problems.append((f"actors[{index}].id", problem))
        if actor.role == EVIDENCE or EVIDENCE in (actor.other_roles or []):
            problems.append(
                (f"actors[{index}].role", f"{EVIDENCE!r} is reserved for evidence spans in annotation tools")
            )
        if any(char in actor.name for char in "\t\r\n") or NOTE_SPLIT.search(actor.name):
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

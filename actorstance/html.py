"""One self-contained HTML page for predicted (or gold) articles: no scripts, fonts or images from outside.

Per article: the text with every mention highlighted in its role's colour (legend on top), a table
of actors, a table of stances (holder -> target, label, confidence, evidence) and a small stance
graph drawn as inline SVG, arrows coloured by stance label.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from .schema import AUTHOR, Article, Stance

__all__ = ["render_html", "role_colours", "stance_colours"]

# Colour-blind-friendly qualitative palette (Okabe-Ito + Tableau), cycled for larger label sets.
_PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#8C564B", "#7F7F7F", "#BCBD22",
            "#17BECF", "#9467BD", "#F0E442"]  # fmt: skip
_STANCE_FIXED = {"SUPPORT": "#1a9641", "OPPOSE": "#d7191c", "NEUTRAL": "#7f7f7f"}
_EVIDENCE_CHARS = 400

_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 70rem;
       color: #222; line-height: 1.5; padding: 0 1rem; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.15rem; margin-top: 2.5rem; border-bottom: 1px solid #ddd; }
h3 { font-size: 1rem; margin-bottom: .3rem; }
.legend span { display: inline-block; margin: 0 .6rem .3rem 0; padding: 0 .4rem; border-radius: 3px; }
.text { white-space: pre-wrap; background: #fafafa; border: 1px solid #eee; padding: .8rem 1rem; }
mark { border-radius: 3px; padding: 0 2px; color: #111; }
mark::after { content: attr(data-role); font-size: .65em; font-weight: 600; margin-left: 2px; vertical-align: sub; }
table { border-collapse: collapse; margin: .3rem 0 1rem; font-size: .92rem; }
th, td { border: 1px solid #ddd; padding: .25rem .5rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.swatch { display: inline-block; width: .8em; height: .8em; border-radius: 2px; margin-right: .3em; vertical-align: -1px; }
.none { color: #888; font-style: italic; }
svg text { font-size: 11px; font-family: inherit; }
"""


def _colours(labels: Sequence[str], fixed: dict[str, str] | None = None) -> dict[str, str]:
    fixed = fixed or {}
    free = [colour for colour in _PALETTE if colour not in fixed.values()]
    result, index = {}, 0
    for label in labels:
        if label in fixed:
            result[label] = fixed[label]
        else:
            result[label] = free[index % len(free)]
            index += 1
    return result


def role_colours(roles: Sequence[str]) -> dict[str, str]:
    """Role -> colour, stable for a given role order."""
    return _colours(list(dict.fromkeys(roles)))


def stance_colours(labels: Sequence[str]) -> dict[str, str]:
    """Stance label -> colour: SUPPORT green, OPPOSE red, NEUTRAL grey, others from the palette."""
    return _colours(list(dict.fromkeys(labels)), _STANCE_FIXED)


def _tint(colour: str, alpha: str = "40") -> str:
    return colour + alpha  # #RRGGBBAA: a light background that keeps the text readable


def _score(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _highlighted_text(article: Article, colours: dict[str, str]) -> str:
    actors = article.actor_by_id()
    pieces, cursor = [], 0
    for mention in sorted(article.mentions, key=lambda m: (m.start, -m.end)):
        if mention.start < cursor or not 0 <= mention.start < mention.end <= len(article.text):
            continue  # overlapping or out-of-range spans are not drawn (gold data never has them)
        actor = actors.get(mention.actor)
        role = (actor.role if actor else None) or "?"
        colour = colours.get(role, "#999999")
        tooltip = f"{actor.name if actor else mention.actor} ({mention.actor}) · {role}"
        if mention.score is not None:
            tooltip += f" · {mention.score:.2f}"
        pieces.append(escape(article.text[cursor : mention.start]))
        pieces.append(
            f'<mark class="mention" data-actor="{escape(mention.actor)}" data-role="{escape(role)}" '
            f'style="background:{_tint(colour)};border-bottom:2px solid {colour}" title="{escape(tooltip)}">'
            f"{escape(article.text[mention.start:mention.end])}</mark>"
        )
        cursor = mention.end
    pieces.append(escape(article.text[cursor:]))
    return "".join(pieces)


def _actor_table(article: Article, colours: dict[str, str]) -> str:
    if not article.actors:
        return '<p class="none">no actors</p>'
    counts: dict[str, int] = {}
    for mention in article.mentions:
        counts[mention.actor] = counts.get(mention.actor, 0) + 1
    rows = "".join(
        f'<tr><td>{escape(actor.id)}</td><td>{escape(actor.name)}</td>'
        f'<td><span class="swatch" style="background:{colours.get(actor.role, "#999999")}"></span>{escape(actor.role or "?")}</td>'
        f'<td class="num">{counts.get(actor.id, 0)}</td><td class="num">{_score(actor.score)}</td></tr>'
        for actor in article.actors
    )
    return f"<table><tr><th>id</th><th>name</th><th>role</th><th>mentions</th><th>confidence</th></tr>{rows}</table>"


def _evidence(article: Article, stance: Stance) -> str:
    parts = []
    for span in stance.evidence:
        piece = " ".join(article.text[max(span.start, 0) : span.end].split())
        if len(piece) > _EVIDENCE_CHARS:
            piece = piece[: _EVIDENCE_CHARS - 1] + "…"
        parts.append(escape(piece))
    return " <br>".join(parts) or '<span class="none">none given</span>'


def _name(article: Article, actor_id: str) -> str:
    actor = article.actor_by_id().get(actor_id)
    return actor.name if actor else actor_id


def _stance_table(article: Article, colours: dict[str, str]) -> str:
    if not article.stances:
        return '<p class="none">no stances</p>'
    rows = "".join(
        f"<tr><td>{escape(_name(article, s.holder))} → {escape(_name(article, s.target))}</td>"
        f'<td><span class="swatch" style="background:{colours.get(s.label, "#999999")}"></span>{escape(s.label)}</td>'
        f'<td class="num">{_score(s.score)}</td><td>{_evidence(article, s)}</td></tr>'
        for s in article.stances
    )
    return f"<table><tr><th>holder → target</th><th>label</th><th>confidence</th><th>evidence</th></tr>{rows}</table>"


def _stance_graph(article: Article, index: int, role_colour: dict[str, str], label_colour: dict[str, str]) -> str:
    """Actors in stances on a circle; one curved arrow per stance (both directions stay visible)."""
    width, height, radius, node = 460, 320, 115, 9
    nodes = list(dict.fromkeys(actor for s in article.stances for actor in (s.holder, s.target)))
    if not nodes:
        return (
            f'<svg class="stance-graph" width="{width}" height="40" role="img" '
            f'aria-label="stance graph: no stances"><text x="10" y="24" fill="#888">no stances to draw</text></svg>'
        )
    centre_x, centre_y = width / 2, height / 2
    position = {}
    for number, actor in enumerate(nodes):
        angle = -math.pi / 2 + 2 * math.pi * number / len(nodes)
        position[actor] = (centre_x + radius * math.cos(angle), centre_y + radius * math.sin(angle))
    roles = {actor.id: actor.role for actor in article.actors}
    prefix = f"a{index}"
    markers = "".join(
        f'<marker id="{prefix}-arrow-{number}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
        for number, colour in enumerate(label_colour.values())
    )
    marker_of = {label: f"{prefix}-arrow-{number}" for number, label in enumerate(label_colour)}
    edges = []
    for stance in article.stances:
        (x1, y1), (x2, y2) = position[stance.holder], position[stance.target]
        length = math.hypot(x2 - x1, y2 - y1) or 1.0
        ux, uy = (x2 - x1) / length, (y2 - y1) / length
        # Start and end on the node circles; bend to the left of the direction of travel.
        sx, sy, ex, ey = x1 + ux * node, y1 + uy * node, x2 - ux * (node + 2), y2 - uy * (node + 2)
        bend = 0.18 * length
        cx, cy = (sx + ex) / 2 - uy * bend, (sy + ey) / 2 + ux * bend
        colour = label_colour.get(stance.label, "#999999")
        marker = marker_of.get(stance.label)
        title = f"{_name(article, stance.holder)} → {_name(article, stance.target)}: {stance.label}"
        if stance.score is not None:
            title += f" ({stance.score:.2f})"
        edges.append(
            f'<path class="edge" data-label="{escape(stance.label)}" d="M{sx:.1f},{sy:.1f} Q{cx:.1f},{cy:.1f} {ex:.1f},{ey:.1f}" '
            f'fill="none" stroke="{colour}" stroke-width="2"' + (f' marker-end="url(#{marker})"' if marker else "") +
            f"><title>{escape(title)}</title></path>"
        )  # fmt: skip
    circles = []
    for actor, (x, y) in position.items():
        fill = "#ffffff" if actor == AUTHOR else role_colour.get(roles.get(actor, ""), "#999999")
        anchor = "start" if x > centre_x + 1 else "end" if x < centre_x - 1 else "middle"
        dx = 12 if anchor == "start" else -12 if anchor == "end" else 0
        dy = -13 if y < centre_y and anchor == "middle" else 18 if anchor == "middle" else 4
        circles.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{node}" fill="{fill}" stroke="#333"><title>{escape(actor)}</title></circle>'
            f'<text x="{x + dx:.1f}" y="{y + dy:.1f}" text-anchor="{anchor}">{escape(_name(article, actor))}</text>'
        )
    return (
        f'<svg class="stance-graph" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="stance graph">'
        f"<defs>{markers}</defs>{''.join(edges)}{''.join(circles)}</svg>"
    )


def _legend(title: str, colours: dict[str, str], background: bool) -> str:
    items = "".join(
        f'<span style="background:{_tint(colour)};border-bottom:2px solid {colour}">{escape(label)}</span>'
        if background
        else f'<span><span class="swatch" style="background:{colour}"></span>{escape(label)}</span>'
        for label, colour in colours.items()
    )
    return f'<div class="legend"><strong>{escape(title)}:</strong> {items}</div>'


def render_html(articles: Sequence[Article], labels=None, title: str = "actorstance predictions") -> str:
    """The page as a string. ``labels`` (a `LabelSchema`) fixes the legend's order and colours; without it
    the roles and stance labels found in ``articles`` are used."""
    roles = list(labels.roles) if labels is not None else []
    stances = list(labels.stances) if labels is not None else []
    for article in articles:
        roles += [actor.role for actor in article.actors]
        stances += [stance.label for stance in article.stances]
    role_colour, label_colour = role_colours(roles), stance_colours(stances)
    sections = []
    for index, article in enumerate(articles):
        sections.append(
            f'<section class="article" id="article-{index}"><h2>{escape(article.id)}</h2>'
            f'<div class="text">{_highlighted_text(article, role_colour)}</div>'
            f"<h3>Actors</h3>{_actor_table(article, role_colour)}"
            f"<h3>Stances</h3>{_stance_table(article, label_colour)}"
            f"{_stance_graph(article, index, role_colour, label_colour)}</section>"
        )
    body = "".join(sections) or '<p class="none">no articles</p>'
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>"
        f"<h1>{escape(title)}</h1>"
        f"{_legend('roles', role_colour, background=True)}{_legend('stances', label_colour, background=False)}"
        f"{body}</body></html>\n"
    )

"""One self-contained HTML page for predicted (or gold) articles: no scripts, fonts or images from outside.

Per article: the text with every mention highlighted in its role's colour (legend on top), a table
of actors, a table of stances (holder -> target, label, confidence, evidence) and the stance
network view of `actorstance.network_html` (force layout, arrows coloured by stance label, click
an arrow for its evidence), its script inlined once per page.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from .network_html import NETWORK_STYLE, network_assets, network_view
from .schema import Article, Stance

__all__ = ["render_html", "render_side_by_side", "role_colours", "stance_colours"]

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
.panels { display: grid; gap: 1rem; align-items: start; } body.wide { max-width: 110rem; }
.panels > section { min-width: 0; overflow-x: auto; } .panels table { font-size: .85rem; } .panels td { overflow-wrap: break-word; }
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
    """The article's stances in the same force-laid network view as ``actorstance network`` (AUTHOR included)."""
    from .network import build_network, network_data

    if not article.stances:
        return '<p class="none">no stances to draw</p>'
    data = network_data(build_network([article], include_author=True, merge_person_names=False))
    return network_view(data, f"article-{index}-network", label_colour, role_colour, width=900, height=420)


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
    scripts = network_assets() if any(article.stances for article in articles) else ""
    return _page(title, body + scripts, _legend("roles", role_colour, background=True) + _legend("stances", label_colour, background=False))


def _page(title: str, body: str, legends: str, wide: bool = False) -> str:
    body_tag = '<body class="wide">' if wide else "<body>"
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_STYLE}{NETWORK_STYLE}</style></head>{body_tag}"
        f"<h1>{escape(title)}</h1>{legends}{body}</body></html>\n"
    )


def render_side_by_side(panels: Sequence[tuple[str, Article]], labels=None, title: str = "", intro: str = "") -> str:
    """One article several ways (e.g. gold and predicted), in columns: each with its highlighted text,
    actors and stances, colours shared so the columns compare at a glance. ``intro`` is HTML."""
    roles = [*(labels.roles if labels is not None else []), *(a.role for _, article in panels for a in article.actors)]
    stances = [*(labels.stances if labels is not None else []), *(s.label for _, article in panels for s in article.stances)]
    role_colour, label_colour = role_colours(roles), stance_colours(stances)
    columns = "".join(
        f'<section class="panel"><h2>{escape(name)}</h2><div class="text">{_highlighted_text(article, role_colour)}</div>'
        f"<h3>Actors</h3>{_actor_table(article, role_colour)}<h3>Stances</h3>{_stance_table(article, label_colour)}</section>"
        for name, article in panels
    )
    body = f'{intro}<div class="panels" style="grid-template-columns:repeat({len(panels)},minmax(0,1fr))">{columns}</div>'
    legends = _legend("roles", role_colour, background=True) + _legend("stances", label_colour, background=False)
    return _page(title or (panels[0][1].id if panels else "article"), body, legends, wide=len(panels) > 1)

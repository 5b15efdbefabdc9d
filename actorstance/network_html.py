"""The interactive stance-network view, for the network page and for each article of the prediction page.

Works offline: the force layout (d3-force, ISC licence, vendored in ``actorstance/static``) and the
view script are inlined into the page, and the network travels as JSON inside it. The layout is
computed before the first paint, so a headless browser's screenshot shows the finished picture.
"""

from __future__ import annotations

import json
from functools import cache
from html import escape
from importlib import resources
from typing import Any

__all__ = ["network_view", "network_assets", "render_network_page", "NETWORK_STYLE"]

NETWORK_STYLE = """
.network-view { border: 1px solid #ddd; border-radius: 4px; padding: .4rem; margin: .5rem 0 1rem; }
.network-controls { font-size: .85rem; display: flex; flex-wrap: wrap; gap: .9rem; align-items: center; }
.network-controls input[type=range] { vertical-align: middle; width: 8rem; }
.network-svg { display: block; background: #fcfcfc; }
.network-svg .edge { cursor: pointer; opacity: .8; } .network-svg .edge:hover { opacity: 1; stroke-width: 4; }
.network-svg text { font-size: 11px; paint-order: stroke; stroke: #fff; stroke-width: 3px; fill: #222; }
.network-svg .hover-only { display: none; } .network-svg .node:hover .hover-only { display: inline; }
.network-evidence { font-size: .85rem; min-height: 2.5rem; background: #f7f7f7; padding: .4rem .6rem; }
.network-controls .role { border-radius: 50%; }
.network-evidence ul { margin: .3rem 0 0; padding-left: 1.2rem; } .network-evidence .articles { color: #666; }
"""


@cache
def _script(name: str) -> str:
    return resources.files("actorstance").joinpath("static", name).read_text(encoding="utf-8")


def network_assets() -> str:
    """The scripts that draw every view on the page; put once, after the last view."""
    return f"<script>{_script('d3-force.bundle.min.js')}\n{_script('network-view.js')}</script>"


def network_view(data: dict[str, Any], view_id: str, stance_colours: dict[str, str], role_colours: dict[str, str],
                 width: int = 1000, height: int = 640) -> str:  # fmt: skip
    """One view's container: the network (`actorstance.network.network_data`) as JSON for the script to draw."""
    payload = {**data, "width": width, "height": height, "stance_colours": stance_colours, "role_colours": role_colours}
    text = json.dumps(payload, ensure_ascii=False).replace("</", "<\\/")  # cannot close the script element
    return f'<div class="network-view" id="{escape(view_id)}"><script type="application/json">{text}</script></div>'


def _figures_table(figures: dict[str, Any]) -> str:
    rows = []
    for key in ("most_opposed", "most_supported", "most_active_holders", "most_targeted"):
        entries = ", ".join(f"{escape(item['name'])} ({item['count']})" for item in figures[key][:5]) or "—"
        rows.append(f"<tr><th>{key.replace('_', ' ')}</th><td>{entries}</td></tr>")
    for key in ("reciprocal_support", "reciprocal_opposition"):
        entries = ", ".join(f"{escape(a)} ⇄ {escape(b)}" for a, b in figures[key][:8]) or "—"
        rows.append(f"<tr><th>{key.replace('_', ' ')}</th><td>{entries}</td></tr>")
    share = figures["balanced_share"]
    rows.append(
        f"<tr><th>balanced triangles</th><td>{'—' if share is None else f'{share:.0%}'} of {figures['signed_triangles']}</td></tr>"
    )
    return f'<table class="figures">{"".join(rows)}</table>'


def render_network_page(data: dict[str, Any], title: str = "stance network") -> str:
    """A whole page: the view over the full width, then the figures."""
    from .html import role_colours, stance_colours

    labels = sorted({label for edge in data["edges"] for label in edge["counts"]})
    roles = sorted({node["role"] for node in data["nodes"] if node.get("role")})
    figures = data["figures"]
    sliced = "" if data["by"] == "all" else f", by {escape(data['by'])}"
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>"
        'body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 1rem 2rem; color: #222; }'
        "table.figures { border-collapse: collapse; font-size: .9rem; } .figures th, .figures td { border: 1px solid #ddd;"
        " padding: .2rem .5rem; text-align: left; } .swatch { display: inline-block; width: .8em; height: .8em;"
        f" margin: 0 .2em; }} {NETWORK_STYLE}</style></head><body>"
        f"<h1>{escape(title)}</h1><p>{figures['nodes']} actors, {figures['edges']} edges"
        f"{sliced}. Click an edge for its evidence.</p>"
        f"{network_view(data, 'network', stance_colours(labels), role_colours(roles), width=1200, height=760)}"
        f"<h2>Figures</h2>{_figures_table(figures)}{network_assets()}</body></html>\n"
    )

"""Inline SVG charts for the HTML reports: no plotting library, no external asset.

Each function returns one ``<svg>`` element as a string, sized in pixels, with a ``<title>``.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

__all__ = ["heatmap", "bar_chart", "interval_bars", "curve_chart", "PALETTE"]

PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#9c755f")
_FONT = 'font-family="system-ui, -apple-system, Segoe UI, sans-serif"'


def _text(x: float, y: float, content: str, size: int = 12, anchor: str = "start", extra: str = "") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" {extra}>{escape(str(content))}</text>'


def _svg(width: float, height: float, title: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" {_FONT}><title>{escape(title)}</title>'
        f'<rect width="100%" height="100%" fill="#ffffff"/>' + "".join(body) + "</svg>"
    )


def _blue(share: float) -> str:
    """White (0) to dark blue (1)."""
    share = min(max(share, 0.0), 1.0)
    low, high = (247, 251, 255), (8, 48, 107)
    r, g, b = (round(low[i] + (high[i] - low[i]) * share) for i in range(3))
    return f"rgb({r},{g},{b})"


def heatmap(
    matrix: Sequence[Sequence[float]], row_labels: Sequence[str], column_labels: Sequence[str], title: str,
    row_axis: str = "gold", column_axis: str = "predicted",
) -> str:  # fmt: skip
    """A confusion matrix: counts in the cells, colour by the share of the row (recall view)."""
    cell = 46
    left = 18 + 8 * max((len(label) for label in row_labels), default=4)
    top = 64
    width = left + cell * len(column_labels) + 20
    height = top + cell * len(row_labels) + 40
    body = [_text(10, 20, title, 14, extra='font-weight="600"'), _text(left + cell * len(column_labels) / 2, 40, column_axis, 11, "middle")]
    for j, label in enumerate(column_labels):
        body.append(_text(left + cell * j + cell / 2, top - 8, label[:9], 10, "middle"))
    for i, label in enumerate(row_labels):
        y = top + cell * i
        body.append(_text(left - 6, y + cell / 2 + 4, label, 11, "end"))
        total = sum(matrix[i]) or 1
        for j, value in enumerate(matrix[i]):
            share = value / total
            colour = "#ffffff" if share > 0.55 else "#1f2933"
            body.append(f'<rect x="{left + cell * j}" y="{y}" width="{cell - 2}" height="{cell - 2}" fill="{_blue(share)}" stroke="#d9e2ec"/>')
            body.append(_text(left + cell * j + cell / 2 - 1, y + cell / 2 + 4, f"{value:g}", 12, "middle", f'fill="{colour}"'))
    body.append(_text(10, top + cell * len(row_labels) + 24, f"rows: {row_axis} (colour = share of the row)", 11))
    return _svg(width, height, title, body)


def bar_chart(items: Sequence[tuple[str, float]], title: str, maximum: float = 1.0, note: str = "") -> str:
    """Horizontal bars, one per ``(label, value)``, values printed beside them."""
    row, left, bar_width = 24, 20 + 8 * max((len(label) for label, _ in items), default=4), 320
    top = 34
    height = top + row * max(len(items), 1) + (28 if note else 12)
    width = left + bar_width + 70
    body = [_text(10, 20, title, 14, extra='font-weight="600"')]
    for index, (label, value) in enumerate(items):
        y = top + row * index
        length = bar_width * (value / maximum if maximum else 0.0)
        body.append(_text(left - 6, y + 15, label, 11, "end"))
        body.append(f'<rect x="{left}" y="{y + 3}" width="{bar_width}" height="{row - 8}" fill="#f0f4f8"/>')
        body.append(f'<rect x="{left}" y="{y + 3}" width="{max(length, 0):.1f}" height="{row - 8}" fill="{PALETTE[0]}"/>')
        body.append(_text(left + bar_width + 6, y + 15, f"{value:.3f}", 11))
    if note:
        body.append(_text(10, height - 10, note, 10, extra='fill="#52606d"'))
    return _svg(width, height, title, body)


def interval_bars(
    categories: Sequence[str],
    series: dict[str, Sequence[tuple[float | None, float | None, float | None]]],
    title: str,
    maximum: float = 1.0,
    note: str = "",
) -> str:
    """Vertical bars grouped by category, one colour per series, each with its interval as a whisker.

    ``series`` maps a name to one ``(value, low, high)`` per category; a None value leaves a gap
    (a metric the run does not report), a None interval draws the bar alone. Category labels may
    hold a newline (two lines); groups are wide enough that labels never overlap.
    """
    plot_height, bar = 200, 16
    lines = [category.split("\n") for category in categories]
    label_width = 7 * max((len(line) for group in lines for line in group), default=4)
    group_width = max(bar * max(len(series), 1), label_width) + 22
    left, top = 44, 40
    legend_width = 18 + 7 * max((len(name) for name in series), default=4)
    plot_right = left + group_width * max(len(categories), 1)
    width = plot_right + legend_width + 24
    height = top + plot_height + 24 + 14 * max((len(group) for group in lines), default=1) + (18 if note else 0)
    scale = plot_height / maximum if maximum else 0.0
    body = [_text(10, 20, title, 14, extra='font-weight="600"')]
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        y = top + plot_height * (1 - tick)
        body.append(f'<line x1="{left}" x2="{plot_right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e4e7eb"/>')
        body.append(_text(left - 6, y + 4, f"{tick * maximum:.2f}", 10, "end"))
    for c, category in enumerate(categories):
        x0 = left + group_width * c + (group_width - bar * len(series)) / 2
        for s, (name, values) in enumerate(series.items()):
            value, low, high = values[c]
            if value is None:
                continue
            x = x0 + bar * s
            interval = f" [{low:.3f}, {high:.3f}]" if low is not None and high is not None else ""
            label = escape(f"{name}, {category.replace(chr(10), ' ')}: {value:.3f}{interval}")
            body.append(
                f'<rect x="{x:.1f}" y="{top + plot_height - value * scale:.1f}" width="{bar - 3}" height="{max(value * scale, 0):.1f}" '
                f'fill="{PALETTE[s % len(PALETTE)]}"><title>{label}</title></rect>'
            )
            if low is not None and high is not None:
                middle, y_low, y_high = x + (bar - 3) / 2, top + plot_height - low * scale, top + plot_height - high * scale
                body.append(
                    f'<path d="M{middle:.1f},{y_low:.1f} V{y_high:.1f} M{middle - 3:.1f},{y_low:.1f} H{middle + 3:.1f} '
                    f'M{middle - 3:.1f},{y_high:.1f} H{middle + 3:.1f}" stroke="#1f2933" stroke-width="1.2" fill="none"/>'
                )
        for number, line in enumerate(lines[c]):
            body.append(_text(left + group_width * c + group_width / 2, top + plot_height + 18 + 14 * number, line, 11, "middle"))
    for s, name in enumerate(series):
        y = top + 16 * s
        body.append(f'<rect x="{plot_right + 14}" y="{y}" width="10" height="10" fill="{PALETTE[s % len(PALETTE)]}"/>')
        body.append(_text(plot_right + 28, y + 9, name, 10))
    if note:
        body.append(_text(10, height - 8, note, 10, extra='fill="#52606d"'))
    return _svg(width, height, title, body)


def _axes(width: float, height: float, left: float, top: float, x_label: str, y_label: str) -> list[str]:
    """A unit square plot area: frame, ticks at 0, 0.5 and 1, and the axis labels."""
    body = [f'<rect x="{left}" y="{top}" width="{width}" height="{height}" fill="none" stroke="#999"/>']
    for tick in (0.0, 0.5, 1.0):
        x, y = left + tick * width, top + height - tick * height
        body.append(_text(x, top + height + 14, f"{tick:g}", 11, "middle"))
        body.append(_text(left - 6, y + 4, f"{tick:g}", 11, "end"))
    body.append(_text(left + width / 2, top + height + 32, x_label, 12, "middle"))
    body.append(_text(14, top + height / 2, y_label, 12, "middle", f'transform="rotate(-90 14 {top + height / 2:.1f})"'))
    return body


def curve_chart(points: Sequence[tuple[float, float]], title: str, x_label: str, y_label: str,
                marked: tuple[float, float] | None = None, marked_label: str = "", diagonal: bool = False,
                sizes: Sequence[int] | None = None) -> str:  # fmt: skip
    """A line through ``points`` (x, y in [0, 1]) with an optional marked point and y = x diagonal;
    ``sizes`` draws a dot per point whose area follows the count (reliability diagrams)."""
    width, height, left, top = 260.0, 220.0, 48.0, 28.0

    def at(x: float, y: float) -> tuple[float, float]:
        return left + min(max(x, 0.0), 1.0) * width, top + height - min(max(y, 0.0), 1.0) * height

    body = [_text(left, 18, title, 13, extra='font-weight="600"'), *_axes(width, height, left, top, x_label, y_label)]
    if diagonal:
        body.append(f'<line x1="{left}" y1="{top + height}" x2="{left + width}" y2="{top}" stroke="#bbb" stroke-dasharray="4 3"/>')
    if points:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in (at(*p) for p in points))
        body.append(f'<polyline points="{path}" fill="none" stroke="{PALETTE[0]}" stroke-width="2"/>')
    if sizes:
        largest = max(sizes) or 1
        for (x, y), size in zip((at(*p) for p in points), sizes):
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{2 + 6 * (size / largest) ** 0.5:.1f}" fill="{PALETTE[0]}" opacity="0.7"/>')
    if marked is not None:
        x, y = at(*marked)
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6" fill="none" stroke="{PALETTE[3]}" stroke-width="2.5"/>')
        body.append(_text(min(x + 9, left + width - 4), max(y - 9, top + 12), marked_label, 11, "end" if x > left + width * 0.6 else "start",
                          f'fill="{PALETTE[3]}"'))  # fmt: skip
    return _svg(left + width + 20, top + height + 44, title, body)

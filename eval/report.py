"""Markdown and self-contained HTML reports of one evaluation (the metrics.json of `eval.runner`).

Both renderers walk the same list of sections (headings, sentences, tables); the HTML one adds
inline SVG charts (`eval.plots`) and highlights error spans in their sentences. Nothing in the
HTML refers to a file or a network address.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from .metrics import HEADLINES, LENGTH_METRICS, MODES
from .article_pages import article_page
from .plots import bar_chart, curve_chart, heatmap, interval_bars

__all__ = ["render_markdown", "render_html", "format_ci", "format_number"]


@dataclass
class _Table:
    headers: list[str]
    rows: list[list]
    caption: str = ""


@dataclass
class _Section:
    title: str
    level: int = 2
    text: list[str] = field(default_factory=list)
    tables: list[_Table] = field(default_factory=list)
    plots: list[str] = field(default_factory=list)
    anchor: str = ""


@dataclass
class _Marked:
    """A sentence with marked character spans ``(start, end, kind)``: <mark class=KIND> in HTML, **bold**
    in Markdown. Overlapping marks (a boundary error's gold and predicted spans) are shown as one
    version of the sentence per kind, so no text is repeated inside a version."""

    text: str
    marks: list[tuple[int, int, str]]

    def versions(self) -> list[tuple[str, list[tuple[int, int, str]]]]:
        """``(label, marks)`` per line: one unlabelled line, or one line per kind when marks overlap."""
        ordered = sorted(self.marks)
        if all(a[1] <= b[0] for a, b in zip(ordered, ordered[1:])):
            return [("", ordered)]
        kinds = [kind for kind in _MARK_ORDER if any(mark[2] == kind for mark in ordered)]
        return [(kind, [mark for mark in ordered if mark[2] == kind]) for kind in kinds]


_MARK_ORDER = ("gold", "predicted", "holder", "target", "evidence")


@dataclass
class _Link:
    """A table cell that links to another page of the evaluation folder."""

    text: str
    href: str


def _decision_section(decision: dict) -> _Section:
    """The stance threshold: precision-recall over it (chosen point marked) and a reliability diagram."""
    curve, calibration, threshold = decision["curve"], decision["reliability"], decision["threshold"]
    chosen = min(curve, key=lambda point: abs(point["threshold"] - threshold))
    best = max(curve, key=lambda point: point["f1"])
    rows = [[format_number(p["threshold"], 2), format_number(p["precision"]), format_number(p["recall"]), format_number(p["f1"]), p["edges"]]
            for p in curve if round(p["threshold"] * 100) % 10 == 0 or p is chosen]  # fmt: skip
    bins = [[f"{b['low']:.1f}-{b['high']:.1f}", format_number(b["confidence"]), format_number(b["accuracy"]), b["count"]] for b in calibration["bins"]]
    return _Section(
        "Stance decision threshold (gold actors)",
        text=[
            f"Every candidate pair is scored; an edge is kept when its score reaches the run's threshold "
            f"{threshold:.2f} (fitted on the validation split). Here: precision {format_number(chosen['precision'])}, "
            f"recall {format_number(chosen['recall'])}, F1 {format_number(chosen['f1'])} with {chosen['edges']} edges; "
            f"the best threshold on these articles would be {best['threshold']:.2f} (F1 {format_number(best['f1'])}). "
            f"Expected calibration error of the edge scores over {calibration['edges']} candidate pairs: "
            f"{format_number(calibration['ece'])} (a score is read as the chance that the edge and its label are right)."
        ],
        tables=[
            _Table(["threshold", "P", "R", "F1", "edges"], rows, "Precision and recall by threshold"),
            _Table(["score bin", "mean score", "share correct", "pairs"], bins, "Reliability"),
        ],
        plots=[
            curve_chart([(p["recall"], p["precision"]) for p in curve if p["edges"]], "Precision-recall over the threshold", "recall",
                        "precision", (chosen["recall"], chosen["precision"]), f"threshold {threshold:.2f}"),
            curve_chart([(b["confidence"], b["accuracy"]) for b in calibration["bins"]], f"Reliability (ECE {calibration['ece']:.3f})",
                        "mean score", "share correct", diagonal=True, sizes=[b["count"] for b in calibration["bins"]]),
        ],  # fmt: skip
        anchor="decision",
    )


def _shares(counts: dict[str, int]) -> list[list]:
    """``[name, count, share of the total]`` rows, in the order of ``counts``."""
    total = sum(counts.values())
    return [[name, count, f"{count / total:.0%}" if total else "–"] for name, count in counts.items()]


def format_number(value, digits: int = 3) -> str:
    if value is None:
        return "–"
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer() and abs(value) >= 2):
        return f"{int(value)}"
    return f"{value:.{digits}f}"


def format_ci(entry: dict) -> str:
    if entry.get("ci_low") is None:
        return "–"
    return f"[{entry['ci_low']:.3f}, {entry['ci_high']:.3f}]"


def _title(metrics: dict) -> str:
    run = metrics.get("run", {}).get("name", "predictions")
    data = metrics.get("data", {})
    where = data.get("stem") or data.get("source") or "gold"
    return f"Evaluation of {run} on {where}"


def _sections(metrics: dict) -> list[_Section]:
    sections: list[_Section] = []
    run, data = metrics.get("run", {}), metrics.get("data", {})
    boot = metrics.get("bootstrap", {})
    facts = [
        f"Articles: {metrics.get('articles')} (source: {data.get('source', '?')}, split: {data.get('split') or 'all'}).",
        f"Intervals: {int(boot.get('level', 0.95) * 100)}% percentile bootstrap over articles, "
        f"{boot.get('resamples')} resamples, seed {boot.get('seed')}.",
    ]
    if run.get("train_time_s") is not None or run.get("num_parameters") is not None:
        facts.append(f"Training time: {format_number(run.get('train_time_s'), 1)} s; parameters: {format_number(run.get('num_parameters'))}.")
    timing = metrics.get("timing")
    if timing:
        facts.append("Prediction time: " + ", ".join(f"{k.removeprefix('predict_').removesuffix('_s')} {v:.1f} s" for k, v in timing.items()) + ".")
    if metrics.get("created"):
        facts.append(f"Written {metrics['created']}.")
    sections.append(_Section("Overview", text=facts))

    headline = metrics["headline"]
    sections.append(
        _Section(
            "Headline numbers",
            text=["Each number with its 95% bootstrap interval (resampling whole articles)."],
            tables=[_Table(["metric", "value", "95% CI", "meaning"],
                           [[name, format_number(headline[name]["value"]), format_ci(headline[name]), HEADLINES.get(name, "")]
                            for name in headline])],  # fmt: skip
            anchor="headline",
        )
    )

    e2e, given = metrics["end_to_end"], metrics["gold_mentions"]
    mentions = e2e["mentions"]
    mode_rows = [
        [mode, format_number(m["precision"]), format_number(m["recall"]), format_number(m["f1"]), format_number(m["macro_f1"]),
         *(m[o] for o in ("COR", "INC", "PAR", "MIS", "SPU")), m["possible"], m["actual"]]
        for mode, m in ((mode, mentions[mode]) for mode in MODES)
    ]  # fmt: skip
    role_rows = [
        [role, format_number(r["precision"]), format_number(r["recall"]), format_number(r["f1"]), r["support"], r["predicted"]]
        for role, r in mentions["strict"]["per_role"].items()
    ]
    given_role_rows = [
        [role, format_number(r["precision"]), format_number(r["recall"]), format_number(r["f1"]), r["support"], r["predicted"]]
        for role, r in given["mentions"]["strict"]["per_role"].items()
    ]
    role_f1 = [(role, r["f1"]) for role, r in mentions["strict"]["per_role"].items()]
    sections.append(
        _Section(
            "Mentions and roles (end to end)",
            text=[
                "Spans matched one to one; strict = same span and role, exact = same span, partial = overlap "
                "(half credit), type = overlap and same role. POS = gold spans, ACT = predicted spans."
            ],
            tables=[
                _Table(["mode", "P", "R", "F1", "macro F1", "COR", "INC", "PAR", "MIS", "SPU", "POS", "ACT"], mode_rows),
                _Table(["role", "P", "R", "F1", "gold", "predicted"], role_rows, "Per role, strict mode (end to end)"),
                _Table(["role", "P", "R", "F1", "gold", "predicted"], given_role_rows, "Per role, strict mode, gold mentions given"),
            ],
            plots=[bar_chart(role_f1, "Role F1 per role (strict, end to end)")] if role_f1 else [],
        )
    )

    actors_e2e, actors_given = e2e["actors"], given["actors"]
    actor_rows = [
        ["end to end", actors_e2e["gold"], actors_e2e["predicted"], actors_e2e["aligned"], format_number(actors_e2e["precision"]),
         format_number(actors_e2e["recall"]), format_number(actors_e2e["f1"]), format_number(actors_e2e["role_accuracy"]),
         format_number(actors_e2e["role_accuracy_aligned"])],
        ["gold mentions", actors_given["gold"], actors_given["predicted"], actors_given["aligned"],
         format_number(actors_given["precision"]), format_number(actors_given["recall"]), format_number(actors_given["f1"]),
         format_number(actors_given["role_accuracy"]), format_number(actors_given["role_accuracy_aligned"])],
    ]  # fmt: skip
    per_role_rows = [[role, r["support"], r["predicted"], format_number(r["accuracy"])] for role, r in actors_given["per_role"].items()]
    labels = actors_given["confusion_labels"]
    sections.append(
        _Section(
            "Actors",
            text=[
                "Predicted actors are aligned to gold actors per article by maximum-weight one-to-one matching on the "
                "number of exactly equal mention spans. Role accuracy = gold actors whose aligned actor has the same "
                "role / gold actors (unaligned ones count as wrong)."
            ],
            tables=[
                _Table(["predictions", "gold", "predicted", "aligned", "P", "R", "F1", "role accuracy", "role acc. (aligned)"], actor_rows),
                _Table(["role", "gold actors", "predicted actors", "accuracy"], per_role_rows, "Per gold role, gold mentions given"),
                _Table(["gold \\ predicted", *labels], [[g, *row] for g, row in zip(labels, actors_given["confusion"])],
                       "Actor role confusion, gold mentions given ('-' = no aligned actor)"),
            ],  # fmt: skip
            plots=[heatmap(actors_given["confusion"], labels, labels, "Actor roles (gold mentions given)")],
        )
    )

    stances = given["stances"]
    classes = stances["labels"]
    stance_rows = [
        [label, format_number(s["precision"]), format_number(s["recall"]), format_number(s["f1"]), s["support"]]
        for label, s in stances["per_label"].items()
    ]
    sections.append(
        _Section(
            "Stances given gold actors",
            text=[
                f"Candidate pairs: per article, the ordered (holder, target) pairs of gold actors mentioned at most "
                f"one sentence apart, plus every gold and predicted edge ({stances['pairs']} pairs; a pair without an edge is NONE). Accuracy {format_number(stances['accuracy'])}, macro F1 over "
                f"{', '.join(classes[1:])} (NONE excluded) {format_number(stances['macro_f1'])}."
            ],
            tables=[
                _Table(["label", "P", "R", "F1", "gold pairs"], stance_rows),
                _Table(["gold \\ predicted", *classes], [[g, *row] for g, row in zip(classes, stances["confusion"])], "Confusion matrix"),
            ],
            plots=[
                heatmap(stances["confusion"], classes, classes, "Stance confusion (gold actors)"),
                bar_chart([(label, s["f1"]) for label, s in stances["per_label"].items()], "Stance F1 per label (gold actors)"),
            ],  # fmt: skip
        )
    )

    edges = e2e["stances"]
    edge_rows = [
        [label, format_number(s["precision"]), format_number(s["recall"]), format_number(s["f1"]), s["support"], s["predicted"], s["correct"]]
        for label, s in edges["per_label"].items()
    ]
    edge_rows.append(["micro", format_number(edges["precision"]), format_number(edges["recall"]), format_number(edges["f1"]), edges["gold"], edges["predicted"], edges["correct"]])
    unlabeled = edges["unlabeled"]
    edge_rows.append(["unlabeled", format_number(unlabeled["precision"]), format_number(unlabeled["recall"]), format_number(unlabeled["f1"]), edges["gold"], edges["predicted"], unlabeled["correct"]])
    text = [
        "A predicted edge is correct when its holder and target align to the gold edge's actors (AUTHOR to "
        f"AUTHOR) and the label is equal. Macro F1 over the stance labels: {format_number(edges['macro_f1'])}."
    ]
    tables = [_Table(["label", "P", "R", "F1", "gold", "predicted", "correct"], edge_rows)]
    analysis = metrics.get("edge_analysis")
    if analysis:
        text.append(
            "Where the errors come from: each gold edge at the first step that loses it (an actor without mentions "
            "such as AUTHOR; actors no sentence mentions together; an actor not found with an exact span; found actors "
            "never proposed as a pair; a proposed pair not kept), and each predicted edge at what it is in the gold graph "
            "(between aligned actors: right, a wrong label, the reverse of a gold edge, a pair without a stance; else "
            "an actor no gold actor aligns to: split off one, other boundaries, or not annotated)."
        )
        tables += [_Table(["gold edges", "count", "share"], _shares(analysis["gold_edges"]), "Gold edges by what became of them"),
                   _Table(["predicted edges", "count", "share"], _shares(analysis["predicted_edges"]), "Predicted edges by what they are")]  # fmt: skip
    sections.append(
        _Section(
            "End-to-end stances",
            text=text,
            tables=tables,
            plots=[bar_chart([(label, s["f1"]) for label, s in edges["per_label"].items()], "End-to-end stance F1 per label")],
        )
    )

    decision = metrics.get("stance_decision")
    if decision:
        sections.append(_decision_section(decision))

    buckets = metrics.get("by_length", [])
    if buckets:
        names = [name for name in LENGTH_METRICS if name in buckets[0]]
        interval = lambda b, n: format_ci({"ci_low": b.get(f"{n}_ci_low"), "ci_high": b.get(f"{n}_ci_high")})  # noqa: E731
        sections.append(
            _Section(
                "By article length",
                text=[
                    f"The articles sorted by word count and cut into {len(buckets)} group(s) of near-equal size (at least "
                    "10 articles each); each headline metric per group with its 95% bootstrap interval over the group's articles."
                ],
                tables=[_Table(["words", "articles", *names],
                               [[b["label"], b["articles"], *(f"{format_number(b[n])} {interval(b, n)}" for n in names)] for b in buckets])],
                plots=[interval_bars([f"{b['label']}\n{b['articles']} articles" for b in buckets],
                                     {n: [(b[n], b.get(f"{n}_ci_low"), b.get(f"{n}_ci_high")) for b in buckets] for n in names},
                                     "Headline metrics by article length (95% bootstrap intervals)")],
            )  # fmt: skip
        )

    errors = metrics.get("errors")
    if errors:
        mention_errors, stance_errors = errors["mentions"], errors["stances"]
        sections.append(
            _Section(
                "Error analysis",
                text=[
                    f"Mentions (end to end): {mention_errors['false_positive_count']} predicted spans not strictly correct, "
                    f"{mention_errors['false_negative_count']} gold spans missed. Stances (gold actors): "
                    f"{stance_errors['false_positive_count']} wrong or spurious edges, {stance_errors['false_negative_count']} "
                    "gold edges not predicted right. False positives most confident first. In the sentences, a boundary "
                    "error shows the gold span and the predicted span as two versions of the sentence; stance errors mark "
                    "the holder's and the target's mentions. Each article links to its page with gold and predicted side by side."
                ],
                anchor="errors",
            )
        )
        mention_headers = ["article", "span", "predicted", "gold", "kind", "score", "sentence"]

        def marked(e: dict) -> _Marked:
            return _Marked(e["sentence"], [tuple(mark) for mark in e["marks"]])

        def mention_row(e: dict) -> list:
            return [_Link(e["article"], article_page(e["article"])), e["text"], e["predicted"],
                    e["gold"] + (f" ({e['gold_text']})" if e.get("gold_text") else ""), e["kind"], format_number(e.get("score")),
                    marked(e)]  # fmt: skip

        def stance_row(e: dict) -> list:
            return [_Link(e["article"], article_page(e["article"])), f"{e['holder_name']} → {e['target_name']}", e["predicted"],
                    e["gold"], format_number(e.get("score")), marked(e)]  # fmt: skip

        stance_headers = ["article", "holder → target", "predicted", "gold", "score", "sentence"]
        for title, rows, headers, build in (
            ("Mention false positives", mention_errors["false_positives"], mention_headers, mention_row),
            ("Mention false negatives", mention_errors["false_negatives"], mention_headers, mention_row),
            ("Stance false positives", stance_errors["false_positives"], stance_headers, stance_row),
            ("Stance false negatives", stance_errors["false_negatives"], stance_headers, stance_row),
        ):
            section = _Section(title, level=3)
            if rows:
                section.tables.append(_Table(headers, [build(row) for row in rows]))
            else:
                section.text.append("None.")
            sections.append(section)

    if metrics.get("notes"):
        sections.append(_Section("Notes", text=list(metrics["notes"])))
    return sections


# --------------------------------------------------------------------------- Markdown


def _md_version(text: str, marks: list[tuple[int, int, str]]) -> str:
    parts, cursor = [], 0
    for start, end, kind in marks:
        tag = f" ({kind})" if kind in ("holder", "target") else ""
        parts += [text[cursor:start], f"**{text[start:end]}**{tag}"]
        cursor = end
    return "".join(parts + [text[cursor:]]).replace("\n", " ")


def _md_cell(value) -> str:
    if isinstance(value, _Marked):
        value = "<br>".join((f"{label}: " if label else "") + _md_version(value.text, marks) for label, marks in value.versions())
    elif isinstance(value, _Link):
        value = f"[{value.text}]({value.href})"
    return str(value).replace("|", "\\|").replace("\n", " ")


def _md_table(table: _Table) -> list[str]:
    lines = [f"*{table.caption}*", ""] if table.caption else []
    lines.append("| " + " | ".join(_md_cell(h) for h in table.headers) + " |")
    lines.append("| " + " | ".join("---" for _ in table.headers) + " |")
    lines.extend("| " + " | ".join(_md_cell(c) for c in row) + " |" for row in table.rows)
    return lines + [""]


def render_markdown(metrics: dict) -> str:
    lines = [f"# {_title(metrics)}", ""]
    for section in _sections(metrics):
        lines += [f"{'#' * section.level} {section.title}", ""]
        for paragraph in section.text:
            lines += [paragraph, ""]
        for table in section.tables:
            lines += _md_table(table)
    return "\n".join(lines).rstrip() + "\n"


# --------------------------------------------------------------------------- HTML

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:1180px;padding:0 1rem;color:#1f2933}
h1{font-size:1.6rem}h2{margin-top:2.2rem;border-bottom:1px solid #d9e2ec;padding-bottom:.3rem}
table{border-collapse:collapse;margin:.8rem 0 1.2rem;font-size:.9rem}
th,td{border:1px solid #d9e2ec;padding:.3rem .55rem;text-align:left;vertical-align:top}
th{background:#f0f4f8}td.num{text-align:right;font-variant-numeric:tabular-nums}
caption{caption-side:top;text-align:left;font-style:italic;padding-bottom:.3rem}
mark{background:#ffe08a;padding:0 .1rem}.plots{display:flex;flex-wrap:wrap;gap:1.2rem;align-items:flex-start}
.headline td.value{font-weight:600}.ci{color:#52606d}nav a{margin-right:.8rem}
td.sentence{max-width:520px}td.sentence div+div{margin-top:.25rem}
mark.gold{background:#b7ebc6}mark.predicted{background:#ffe08a}mark.holder{background:#c6dbf7}mark.target{background:#f9cfa8}
mark.holder::after,mark.target::after{content:attr(title);font-size:.65em;font-weight:600;margin-left:2px;vertical-align:sub}
.version{display:inline-block;min-width:4.8rem;font-size:.75em;color:#52606d;text-transform:uppercase}
"""


def _html_version(text: str, marks: list[tuple[int, int, str]]) -> str:
    parts, cursor = [], 0
    for start, end, kind in marks:
        parts += [escape(text[cursor:start]), f'<mark class="{kind}" title="{kind}">{escape(text[start:end])}</mark>']
        cursor = end
    return "".join(parts + [escape(text[cursor:])])


def _html_cell(value) -> str:
    if isinstance(value, _Marked):
        lines = [
            (f'<span class="version">{escape(label)}</span> ' if label else "") + _html_version(value.text, marks)
            for label, marks in value.versions()
        ]
        return '<td class="sentence">' + "".join(f"<div>{line}</div>" for line in lines) + "</td>"
    if isinstance(value, _Link):
        return f'<td><a href="{escape(value.href)}">{escape(value.text)}</a></td>'
    text = str(value)
    numeric = text.replace(".", "", 1).replace("-", "", 1).isdigit() or text == "–"
    return f'<td class="num">{escape(text)}</td>' if numeric else f"<td>{escape(text)}</td>"


def _html_table(table: _Table, css_class: str = "") -> str:
    caption = f"<caption>{escape(table.caption)}</caption>" if table.caption else ""
    head = "".join(f"<th>{escape(str(h))}</th>" for h in table.headers)
    body = "".join("<tr>" + "".join(_html_cell(c) for c in row) + "</tr>" for row in table.rows)
    attribute = f' class="{css_class}"' if css_class else ""
    return f"<table{attribute}>{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _headline_html(metrics: dict) -> str:
    rows = []
    for name, entry in metrics["headline"].items():
        rows.append(
            f"<tr><td>{escape(name)}</td><td class=\"num value\">{format_number(entry['value'])}</td>"
            f"<td class=\"num ci\">{escape(format_ci(entry))}</td><td>{escape(HEADLINES.get(name, ''))}</td></tr>"
        )
    return (
        '<table class="headline"><thead><tr><th>metric</th><th>value</th><th>95% CI</th><th>meaning</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def render_html(metrics: dict) -> str:
    """One HTML file with inline CSS and inline SVG charts: it opens anywhere, offline."""
    title = _title(metrics)
    sections = _sections(metrics)
    ids = [section.anchor or f"s{index}" for index, section in enumerate(sections)]  # anchors: linked from other pages
    nav = " ".join(f'<a href="#{ids[i]}">{escape(s.title)}</a>' for i, s in enumerate(sections) if s.level == 2)
    parts = [f"<h1>{escape(title)}</h1>", f"<nav>{nav}</nav>"]
    for index, section in enumerate(sections):
        parts.append(f'<h{section.level} id="{ids[index]}">{escape(section.title)}</h{section.level}>')
        parts.extend(f"<p>{escape(paragraph)}</p>" for paragraph in section.text)
        if section.anchor == "headline":
            parts.append(_headline_html(metrics))
        else:
            parts.extend(_html_table(table) for table in section.tables)
        if section.plots:
            parts.append('<div class="plots">' + "".join(section.plots) + "</div>")
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{escape(title)}</title>"
        f"<style>{_CSS}</style></head><body>{''.join(parts)}</body></html>\n"
    )

"""``python -m eval compare``: one table of several evaluated runs, with significance against the best.

Each argument is an evaluation folder (metrics.json + gold.jsonl + predictions) or a run folder;
a run folder without ``eval/<stem>/`` is evaluated first. For every headline metric the best run
is marked, and every other run gets a one-sided paired bootstrap p-value against it (same
article resamples for both; `eval.bootstrap.paired_bootstrap`), computed from the saved
predictions and gold articles. Runs scored on different gold articles get no p-value.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from html import escape
from pathlib import Path

from actorstance.atomic import atomic_directory

from .bootstrap import DEFAULT_RESAMPLES, paired_bootstrap
from .metrics import HEADLINES
from .plots import interval_bars
from .runner import Evaluation, Progress, count_table, evaluate_run, evaluation_stem, headline_statistic, is_evaluation_dir, load_evaluation

__all__ = ["resolve_evaluation", "compare_evaluations", "write_comparison", "compare_paths", "cell_texts"]

_LOWER_IS_BETTER = ("train_time_s", "num_parameters")
CHART_METRICS = ("mention_strict_f1", "mention_partial_f1", "actor_role_accuracy", "stance_macro_f1", "e2e_stance_f1")
"""The headline metrics drawn in comparison.html's chart (the README's table columns)."""


def resolve_evaluation(
    path: str | Path,
    split: str | None = None,
    data: str | Path | None = None,
    n_bootstrap: int = DEFAULT_RESAMPLES,
    seed: int = 0,
    progress: Progress | None = None,
) -> Path:
    """The evaluation folder for ``path``: itself, or ``path/eval/<stem>`` (evaluated now if missing)."""
    path = Path(path)
    if is_evaluation_dir(path):
        return path
    candidate = path / "eval" / evaluation_stem(data, split)
    if is_evaluation_dir(candidate):
        return candidate
    if not path.is_dir():
        raise ValueError(f"{path}: neither an evaluation folder nor a run folder")
    return evaluate_run(path, split=split, data=data, output=candidate, n_bootstrap=n_bootstrap, seed=seed, progress=progress)


def _names(evaluations: Sequence[Evaluation]) -> list[str]:
    names, seen = [], {}
    for evaluation in evaluations:
        name = evaluation.metrics.get("run", {}).get("name") or (evaluation.path.name if evaluation.path else "run")
        seen[name] = seen.get(name, 0) + 1
        names.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return names


def _same_gold(a: Evaluation, b: Evaluation) -> bool:
    key = lambda e: sorted(json.dumps(article.to_dict(), sort_keys=True) for article in e.gold)  # noqa: E731
    return key(a) == key(b)


def _paired_table(evaluation: Evaluation, gold_order: list[str]):
    order = {article_id: index for index, article_id in enumerate(gold_order)}
    gold = sorted(evaluation.gold, key=lambda a: order[a.id])
    return count_table(gold, evaluation.end_to_end, evaluation.gold_mentions, evaluation.labels)


def compare_evaluations(evaluations: Sequence[Evaluation], n_bootstrap: int = DEFAULT_RESAMPLES, seed: int = 0) -> dict:
    """Rows (one per run) with headline values, intervals, cost columns, best marks and p-values."""
    if not evaluations:
        raise ValueError("compare: no runs given")
    names = _names(evaluations)
    metrics = [name for name in HEADLINES if all(name in e.metrics["headline"] for e in evaluations)]
    rows = []
    for name, evaluation in zip(names, evaluations):
        run = evaluation.metrics.get("run", {})
        row = {"run": name, "path": str(evaluation.path) if evaluation.path else "", "train_time_s": run.get("train_time_s"),
               "num_parameters": run.get("num_parameters"), "articles": evaluation.metrics.get("articles")}  # fmt: skip
        for metric in metrics:
            entry = evaluation.metrics["headline"][metric]
            row[metric] = entry["value"]
            row[f"{metric}_ci_low"], row[f"{metric}_ci_high"] = entry.get("ci_low"), entry.get("ci_high")
        rows.append(row)
    best: dict[str, int] = {}
    for column in [*metrics, *_LOWER_IS_BETTER]:
        values = [(row[column], index) for index, row in enumerate(rows) if row.get(column) is not None]
        if values:
            pick = min if column in _LOWER_IS_BETTER else max
            best[column] = pick(values, key=lambda item: (item[0], -item[1]) if pick is max else (item[0], item[1]))[1]
    notes = []
    tables = {}
    for index, evaluation in enumerate(evaluations):
        if all(_same_gold(evaluation, other) for other in evaluations):
            tables[index] = None  # filled lazily
        else:
            notes.append(f"{names[index]}: scored on different gold articles; no p-values")
    gold_order = [article.id for article in evaluations[0].gold]
    for index in tables:
        tables[index] = _paired_table(evaluations[index], gold_order)
    pairs_needed = {
        (best[m], index)
        for m in metrics
        for index, row in enumerate(rows)
        if m in best and index != best[m] and row[m] is not None and best[m] in tables and index in tables
    }
    tests: dict[tuple[int, int], dict] = {}
    for best_index, other in sorted(pairs_needed):
        labels = evaluations[best_index].labels
        has_given = evaluations[best_index].gold_mentions is not None and evaluations[other].gold_mentions is not None
        tests[(best_index, other)] = paired_bootstrap(
            tables[best_index], tables[other], headline_statistic(labels, has_given), n_bootstrap, seed
        )
    for index, row in enumerate(rows):
        row["best"] = [column for column, winner in best.items() if winner == index]
        for metric in metrics:
            test = tests.get((best.get(metric), index))
            row[f"{metric}_p_vs_best"] = None if test is None or row[metric] is None else test[metric]["p_value"]
    return {
        "metrics": metrics,
        "rows": rows,
        "edge_analysis": {name: evaluation.metrics.get("edge_analysis") for name, evaluation in zip(names, evaluations)},
        "best": {column: rows[index]["run"] for column, index in best.items()},
        "bootstrap": {"resamples": n_bootstrap, "seed": seed, "test": "one-sided paired bootstrap, best run vs this run"},
        "notes": notes,
    }


def _fmt(value, digits: int = 3) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _p(value) -> str:
    if value is None:
        return ""
    return "p<0.001" if value < 0.001 else f"p={value:.3f}"


def cell_texts(row: dict, column: str) -> tuple[str, str, str]:
    """(value, interval, p-value) texts of one metric cell."""
    if column in _LOWER_IS_BETTER:
        value = row.get(column)
        return (f"{value:,.4g}" if isinstance(value, float) else _fmt(value)), "", ""
    low, high = row.get(f"{column}_ci_low"), row.get(f"{column}_ci_high")
    interval = f"[{low:.3f}, {high:.3f}]" if low is not None and high is not None else ""
    return _fmt(row[column]), interval, _p(row.get(f"{column}_p_vs_best"))


def _edge_rows(result: dict) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """The runs with an edge analysis and, per cause (gold edges lost, then predicted edges), each run's
    count: where the end-to-end stance errors of each run come from. Empty for evaluations without one."""
    analyses = {run: analysis for run, analysis in result.get("edge_analysis", {}).items() if analysis}
    if not analyses:
        return [], []
    runs = list(analyses)
    rows = []
    for part, title in (("gold_edges", "gold edge"), ("predicted_edges", "predicted edge")):
        for cause in next(iter(analyses.values()))[part]:
            rows.append((f"{title}: {cause}", [str(analyses[run][part].get(cause, 0)) for run in runs]))
    return runs, rows


_EDGE_NOTE = ("Where the end-to-end stance errors come from (edge_analysis in each metrics.json, docs/evaluation.md): each gold edge at the "
              "step that loses it, each predicted edge at what it is in the gold graph.")  # fmt: skip


def _markdown(result: dict) -> str:
    columns = [*result["metrics"], *_LOWER_IS_BETTER]
    lines = ["# Run comparison", "", "Values with 95% bootstrap intervals; **bold** = best in the column; "
             "p = one-sided paired bootstrap p-value of the column's best run against this run.", ""]  # fmt: skip
    lines.append("| run | " + " | ".join(columns) + " |")
    lines.append("| --- |" + " --- |" * len(columns))
    for row in result["rows"]:
        cells = []
        for column in columns:
            value, interval, p_value = cell_texts(row, column)
            value = f"**{value}**" if column in row["best"] else value
            cells.append(" ".join(part for part in (value, interval, p_value and f"({p_value})") if part))
        lines.append(f"| {row['run']} | " + " | ".join(cells) + " |")
    lines.append("")
    runs, edge_rows = _edge_rows(result)
    if edge_rows:
        lines += [_EDGE_NOTE, "", "| edges | " + " | ".join(runs) + " |", "| --- |" + " ---: |" * len(runs)]
        lines += [f"| {cause} | " + " | ".join(counts) + " |" for cause, counts in edge_rows]
        lines.append("")
    lines += [f"- {note}" for note in result["notes"]]
    return "\n".join(lines).rstrip() + "\n"


def _csv(result: dict) -> str:
    buffer = io.StringIO()
    columns = ["run", "path", "articles", "train_time_s", "num_parameters"]
    for metric in result["metrics"]:
        columns += [metric, f"{metric}_ci_low", f"{metric}_ci_high", f"{metric}_p_vs_best"]
    columns.append("best")
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in result["rows"]:
        writer.writerow({**row, "best": ";".join(row["best"])})
    return buffer.getvalue()


def _html(result: dict) -> str:
    """Runs as columns and metrics as rows (fits a laptop screen for a handful of runs), under a chart
    of the main headline metrics with their intervals."""
    runs = [row["run"] for row in result["rows"]]
    head = "<th>metric</th>" + "".join(f"<th>{escape(run)}</th>" for run in runs)
    body = []
    for column in [*result["metrics"], *_LOWER_IS_BETTER]:
        meaning = HEADLINES.get(column, "lower is better")
        cells = [f'<th scope="row">{escape(column)}<br><span class="meaning">{escape(meaning)}</span></th>']
        for row in result["rows"]:
            value, interval, p_value = cell_texts(row, column)
            best = column in row["best"]
            text = (f"<b>★ {escape(value)}</b>" if best else escape(value)) + (
                f' <span class="ci">{escape(interval)}</span>' if interval else ""
            ) + (f'<br><span class="p">{escape(p_value)}</span>' if p_value else "")
            cells.append(f'<td class="{"best" if best else ""}">{text}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    charted = [metric for metric in CHART_METRICS if metric in result["metrics"]]
    chart = interval_bars(
        charted,
        {row["run"]: [(row[m], row.get(f"{m}_ci_low"), row.get(f"{m}_ci_high")) for m in charted] for row in result["rows"]},
        "Headline metrics with 95% bootstrap intervals",
        note="A run that does not do a task has no bar for its metrics.",
    ) if charted else ""  # fmt: skip
    runs, edge_rows = _edge_rows(result)
    edges = (
        f"<h2>Where the stance errors come from</h2><p>{escape(_EDGE_NOTE)}</p><table><thead><tr><th>edges</th>"
        + "".join(f"<th>{escape(run)}</th>" for run in runs) + "</tr></thead><tbody>"
        + "".join(f'<tr><th scope="row">{escape(cause)}</th>' + "".join(f"<td>{count}</td>" for count in counts) + "</tr>"
                  for cause, counts in edge_rows)
        + "</tbody></table>"
    ) if edge_rows else ""  # fmt: skip
    notes = "".join(f"<li>{escape(n)}</li>" for n in result["notes"])
    style = (
        "body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1340px;padding:0 1rem;color:#1f2933}"
        "table{border-collapse:collapse;font-size:.85rem;width:100%;table-layout:fixed}"
        "th,td{border:1px solid #d9e2ec;padding:.35rem .5rem;text-align:right;vertical-align:top;overflow-wrap:anywhere}"
        "thead th{background:#f0f4f8}thead th:first-child{text-align:left}th[scope=row]{text-align:left;font-weight:600;background:#f8fafc;width:22%}"
        "td.best{background:#e3f8e6}.ci,.p,.meaning{color:#52606d;font-size:.8em}.meaning{font-weight:400}"
        "svg{max-width:100%;height:auto;margin:1rem 0}"
    )
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Run comparison</title><style>{style}</style></head>'
        "<body><h1>Run comparison</h1><p>Values with 95% bootstrap intervals; ★ = best in the row; p = one-sided "
        "paired bootstrap p-value of the row's best run against this run.</p>"
        f"{chart}<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>{edges}"
        + (f"<ul>{notes}</ul>" if notes else "")
        + "</body></html>\n"
    )


def write_comparison(result: dict, output: str | Path) -> Path:
    output = Path(output)
    with atomic_directory(output, overwrite=True) as staging:
        (staging / "comparison.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        (staging / "comparison.md").write_text(_markdown(result), encoding="utf-8")
        (staging / "comparison.csv").write_text(_csv(result), encoding="utf-8")
        (staging / "comparison.html").write_text(_html(result), encoding="utf-8")
    return output


def compare_paths(
    paths: Sequence[str | Path],
    output: str | Path,
    split: str | None = None,
    data: str | Path | None = None,
    n_bootstrap: int = DEFAULT_RESAMPLES,
    seed: int = 0,
    progress: Progress | None = None,
) -> tuple[dict, Path]:
    evaluations = [load_evaluation(resolve_evaluation(path, split, data, n_bootstrap, seed, progress)) for path in paths]
    result = compare_evaluations(evaluations, n_bootstrap, seed)
    return result, write_comparison(result, output)

"""The ``actorstance`` command: a thin typer layer over the library's functions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from .corpus import FORMATS, CorpusError, CorpusIssue, check_article, check_corpus, read_articles, write_articles
from .corpus.stats import corpus_stats
from .labels import LabelSchema

__all__ = ["app", "main"]

app = typer.Typer(help="Actors, roles and stances in news articles.", no_args_is_help=True, add_completion=False)
console = Console()
errors = Console(stderr=True)

LabelsOption = Annotated[
    Optional[str],
    typer.Option("--labels", help="label schema file, or a name from configs/labels/ (default: default)"),
]


def _labels(name_or_path: str | None) -> LabelSchema:
    try:
        return LabelSchema.resolve(name_or_path or "default")
    except (OSError, ValueError) as error:
        errors.print(f"[red]error:[/red] --labels: {error}", highlight=False)
        raise typer.Exit(2) from None


def _report(issues: list[CorpusIssue]) -> None:
    for issue in issues:
        errors.print(str(issue), markup=False, highlight=False, soft_wrap=True)
    errors.print(f"[red]{len(issues)} error(s)[/red]")


@app.command()
def validate(
    paths: Annotated[list[Path], typer.Argument(help="JSONL files or folders")],
    labels: LabelsOption = None,
) -> None:
    """Check corpora against every rule of the annotation spec; list all errors (exit 1) or summarise (exit 0)."""
    articles, issues = check_corpus(paths, _labels(labels))
    if issues:
        _report(issues)
        raise typer.Exit(1)
    stats = corpus_stats(articles)
    console.print(
        f"OK: {stats['articles']} articles, {stats['actors']} actors, {stats['mentions']} mentions, "
        f"{stats['stances']} stances in {len(paths)} path(s)",
        highlight=False,
    )


@app.command()
def convert(
    source: Annotated[Path, typer.Argument(help="input file or folder")],
    destination: Annotated[Path, typer.Argument(help="output file or folder")],
    from_format: Annotated[str, typer.Option("--from", help=f"one of: {', '.join(FORMATS)}")] = "jsonl",
    to_format: Annotated[str, typer.Option("--to", help=f"one of: {', '.join(FORMATS)}")] = "jsonl",
    labels: LabelsOption = None,
    check: Annotated[bool, typer.Option(help="refuse articles that break the spec's checks")] = True,
) -> None:
    """Convert a corpus between formats (jsonl, inline, brat, labelstudio, doccano, external data sets)."""
    try:
        articles = read_articles(source, from_format)
        if check:
            schema = _labels(labels)
            issues = [
                CorpusIssue(str(source), None, article.id, field, message)
                for article in articles
                for field, message in check_article(article, schema)
            ]
            if issues:
                raise CorpusError(issues)
        write_articles(articles, destination, to_format)
    except CorpusError as error:
        _report(error.issues)
        raise typer.Exit(1) from None
    except (ValueError, OSError) as error:
        errors.print(f"[red]error:[/red] {error}", highlight=False)
        raise typer.Exit(2) from None
    console.print(f"wrote {len(articles)} article(s) to {destination} ({to_format})", highlight=False)


@app.command()
def stats(
    paths: Annotated[list[Path], typer.Argument(help="JSONL files or folders")],
    as_json: Annotated[bool, typer.Option("--json", help="print JSON instead of a table")] = False,
    labels: LabelsOption = None,
) -> None:
    """Counts of articles, tokens, mentions per role, actors and stances per label, per split."""
    articles, issues = check_corpus(paths, _labels(labels))
    if issues:
        _report(issues)
        raise typer.Exit(1)
    result = corpus_stats(articles)
    if as_json:
        typer.echo(json.dumps(result, indent=2))
        return
    columns = ["all", *result["splits"]]
    rows = {"all": result, **result["splits"]}
    table = Table(title="corpus")
    table.add_column("count")
    for column in columns:
        table.add_column(column, justify="right")
    for key in ("articles", "tokens", "actors", "mentions", "stances"):
        table.add_row(key, *(str(rows[column][key]) for column in columns))
    for group, prefix in (("roles", "role"), ("stance_labels", "stance")):
        for label in result[group]:
            table.add_row(f"{prefix} {label}", *(str(rows[column][group].get(label, 0)) for column in columns))
    console.print(table)


def main() -> None:
    app()

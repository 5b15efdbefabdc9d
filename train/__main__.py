"""``python -m train CONFIG [--set key.sub=value ...] [--output-dir DIR] [--resume] [--overwrite]``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)


@app.command()
def main(
    config: Annotated[Path, typer.Argument(help="run config YAML, e.g. configs/default.yaml")],
    overrides: Annotated[
        Optional[list[str]], typer.Option("--set", help="override a config key, e.g. --set training.epochs=3")
    ] = None,
    output_dir: Annotated[Optional[Path], typer.Option(help="run directory (default: output_dir/name from the config)")] = None,
    resume: Annotated[bool, typer.Option(help="continue from the last checkpoint of an interrupted run")] = False,
    overwrite: Annotated[bool, typer.Option(help="replace an existing run directory")] = False,
) -> None:
    """Fine-tune the role tagger and/or stance classifier described by CONFIG."""
    from actorstance.config import ConfigError, load_config
    from actorstance.corpus import CorpusError

    try:
        run_config = load_config(config, overrides or [])
    except ConfigError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None
    from .trainer import train

    try:
        run_dir = train(run_config, output_dir=output_dir, resume=resume, overwrite=overwrite)
    except (CorpusError, FileExistsError, ConfigError, ValueError) as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"run written to {run_dir}")


if __name__ == "__main__":
    app()

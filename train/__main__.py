"""``python -m train CONFIG [--set key.sub=value ...] [--output DIR] [--resume] [--overwrite]``.

Only typer is imported up front: ``--help`` and ``--version`` answer without loading torch.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)


def _print_version(value: bool) -> None:
    if value:
        from actorstance import __version__

        typer.echo(f"actorstance {__version__}")
        raise typer.Exit()


@app.command()
def main(
    config: Annotated[Path, typer.Argument(help="run config YAML, e.g. configs/default.yaml")],
    overrides: Annotated[
        Optional[list[str]], typer.Option("--set", help="override a config key, e.g. --set training.epochs=3")
    ] = None,
    output: Annotated[
        Optional[Path], typer.Option("--output", "-o", help="run directory (default: output_dir/name from the config)")
    ] = None,
    resume: Annotated[bool, typer.Option(help="continue from the last checkpoint of an interrupted run")] = False,
    overwrite: Annotated[bool, typer.Option(help="replace an existing run directory")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_print_version, is_eager=True, help="print the actorstance version and exit")
    ] = False,
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
        run_dir = train(run_config, output_dir=output, resume=resume, overwrite=overwrite)
    except (CorpusError, FileExistsError, ConfigError, ValueError) as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"run written to {run_dir}")


if __name__ == "__main__":
    app()

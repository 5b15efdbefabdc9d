"""The recipe of the tiny training runs in the tests: the tiny random BERT, six steps, seed 5."""

from __future__ import annotations

from pathlib import Path


def tiny_config(corpus: Path, model: str, output: Path, *extra: str):
    """A run config over ``corpus`` that trains in seconds; ``extra`` are ``key=value`` overrides."""
    from actorstance.config import load_config

    return load_config(
        None,
        [
            f"data.paths=[{corpus}]",
            f"model.name={model}",
            f"output_dir={output}",
            "name=tiny",
            "seed=5",
            "training.batch_size=8",
            "training.max_steps=6",
            "training.eval_every_steps=3",
            "training.logging_steps=1",
            *extra,
        ],
    )


def broken_copy(run_dir: Path, destination: Path, name: str, content: bytes | None) -> Path:
    """A copy of ``run_dir`` at ``destination`` whose file ``name`` is removed (``content`` None) or overwritten."""
    import shutil

    shutil.copytree(run_dir, destination)
    if content is None:
        (destination / name).unlink()
    else:
        (destination / name).write_bytes(content)
    return destination

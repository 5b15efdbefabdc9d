"""The built wheel works outside the checkout: it ships its label sets as package data, and its
``actorstance`` command validates a corpus and predicts from a run."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _run(command: list[str], cwd: Path, **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600, **kwargs)
    assert done.returncode == 0, f"{command}\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="module")
def installed_wheel(tmp_path_factory) -> Path:
    """A fresh venv outside the checkout with the wheel built from a copy of the working tree (what git tracks or would) installed
    in it. Its dependencies are this venv's (one path line in a .pth file: no downloads, and the
    checkout's editable install is not on that path), so only the wheel's own files are under test."""
    work = tmp_path_factory.mktemp("wheel")
    tracked = _run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], REPO).stdout.split("\0")
    source = work / "source"
    for name in filter(None, tracked):
        target = source / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if (REPO / name).is_symlink():
            target.symlink_to(os.readlink(REPO / name))
        elif (REPO / name).is_file():
            shutil.copyfile(REPO / name, target)
    _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(work / "dist"), str(source)], work)
    [wheel] = (work / "dist").glob("actorstance-*.whl")
    venv = work / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], work)
    python = venv / "bin" / "python"
    site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], work).stdout.strip())
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", "--no-index", str(wheel)], work)
    return venv


def _env() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return {**env, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "HF_EVALUATE_OFFLINE": "1"}


@pytest.mark.slow
def test_installed_wheel_validates_and_predicts_outside_the_checkout(installed_wheel, run_dir, small_corpus_file, tmp_path):
    venv = installed_wheel
    where = _run([str(venv / "bin" / "python"), "-c", "import actorstance; print(actorstance.__file__)"], tmp_path, env=_env())
    assert Path(where.stdout.strip()).is_relative_to(venv) and not Path(where.stdout.strip()).is_relative_to(REPO)

    validated = _run([str(venv / "bin" / "actorstance"), "validate", str(small_corpus_file)], tmp_path, env=_env())
    assert validated.stdout.startswith("OK: 12 articles")  # the shipped default label set was found
    schemas = _run(
        [str(venv / "bin" / "python"), "-c", "from actorstance.labels import LabelSchema; print(LabelSchema.resolve('semeval2025').model_dump_json())"],
        tmp_path, env=_env(),
    )  # fmt: skip
    from actorstance.labels import LabelSchema

    assert LabelSchema.model_validate_json(schemas.stdout) == LabelSchema.load(REPO / "actorstance" / "label_sets" / "semeval2025.yaml")

    text = "Iran backs Hezbollah. The UN condemned the attack."
    predicted = _run([str(venv / "bin" / "actorstance"), "predict", str(run_dir), "-"], tmp_path, env=_env(), input=text)
    [record] = [json.loads(line) for line in predicted.stdout.splitlines()]
    from actorstance.predictor import Predictor

    assert record == Predictor.from_pretrained(run_dir, device="cpu").predict(text).to_dict() | {"id": record["id"]}

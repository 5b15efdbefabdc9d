"""Every Python and shell snippet of the README runs as written.

The snippets run in a scratch folder laid out like a checkout (``data``, ``seeds``, ``configs``
linked from the repository) where a tiny trained run stands in for ``runs/default``. A snippet that cannot run here (it installs, trains
the real model for minutes, or starts a server) is preceded in the README by
``<!-- readme-test: skip (REASON) -->``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .markdown_snippets import run_snippet, snippets

REPO = Path(__file__).resolve().parent.parent


def readme_snippets() -> list[tuple[str, str, str | None]]:
    return snippets(REPO / "README.md")


@pytest.fixture(scope="module")
def checkout(run_dir, tmp_path_factory) -> Path:
    """A scratch folder where the README's relative paths resolve, with the tiny run as runs/default."""
    root = tmp_path_factory.mktemp("readme")
    for name in ("data", "seeds", "configs"):
        (root / name).symlink_to(REPO / name)
    shutil.copytree(run_dir, root / "runs" / "default")
    return root


def test_the_readme_has_snippets_and_every_skipped_one_says_why():
    snippets = readme_snippets()
    assert sum(language == "python" for language, _, _ in snippets) >= 1
    run = [code for language, code, reason in snippets if language == "bash" and reason is None]
    assert any("actorstance predict" in code for code in run) and any("actorstance validate" in code for code in run)
    for _, code, reason in snippets:
        assert reason is None or len(reason) > 10, code


def test_the_python_snippets_run_as_written(checkout):
    for language, code, reason in readme_snippets():
        if language == "python" and reason is None:
            done = run_snippet(language, code, checkout)
            assert done.returncode == 0, f"{code}\n{done.stderr[-3000:]}"
            assert "->" in done.stdout or "'stances'" in done.stdout


@pytest.mark.slow
def test_the_shell_snippets_run_as_written(checkout):
    for language, code, reason in readme_snippets():
        if language == "bash" and reason is None:
            done = run_snippet(language, code, checkout)
            assert done.returncode == 0, f"{code}\n{done.stderr[-3000:]}"
    assert (checkout / "predictions.jsonl").is_file() and (checkout / "seed.html").is_file()
    assert (checkout / "asia-brat").is_dir()

"""docs/own-data.md, the "train on your own data" walkthrough, runs as written, step by step."""

from __future__ import annotations

from pathlib import Path

import pytest

from .markdown_snippets import run_snippet, snippets

REPO = Path(__file__).resolve().parent.parent
PAGE = REPO / "docs" / "own-data.md"


@pytest.mark.slow
def test_the_walkthrough_commands_run_in_order(tmp_path):
    (tmp_path / "docs").symlink_to(REPO / "docs")
    blocks = [(language, code) for language, code, reason in snippets(PAGE) if reason is None]
    assert len(blocks) == 5 and all(language == "bash" for language, _ in blocks)
    for language, code in blocks:
        done = run_snippet(language, code, tmp_path)
        assert done.returncode == 0, f"{code}\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    assert "OK: 4 articles, 9 actors, 10 mentions, 5 stances" in run_snippet(
        "bash", "actorstance validate my-data --labels docs/examples/own-labels.yaml", tmp_path
    ).stdout
    labels = (tmp_path / "runs" / "harbour" / "labels.yaml").read_text()
    assert "AUTHORITY" in labels and "GOV" not in labels
    assert (tmp_path / "runs" / "harbour" / "eval" / "my-data-test" / "articles" / "harbour-4.html").is_file()
    assert (tmp_path / "my-brat" / "annotation.conf").is_file() and (tmp_path / "harbour.html").is_file()


def test_the_walkthrough_files_are_the_ones_it_shows():
    page = PAGE.read_text(encoding="utf-8")
    for name in ("own-labels.yaml", "own-run.yaml"):
        shown = "\n".join(line for line in (REPO / "docs" / "examples" / name).read_text().splitlines() if not line.startswith("#"))
        assert f"```yaml\n{shown}\n```" in page, name

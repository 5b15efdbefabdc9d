"""One spelling for the shared options: --output names the output location, --labels takes a name or a path."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from actorstance.cli import app
from eval import cli as eval_cli
from tests.test_eval_helpers import TINY

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "seeds" / "000_5d92d8553a383cf3.jsonl"


def test_convert_takes_the_destination_as_output_or_as_an_argument(tmp_path):
    runner = CliRunner()
    assert runner.invoke(app, ["convert", str(SEED), str(tmp_path / "a.txt"), "--to", "inline"]).exit_code == 0
    assert runner.invoke(app, ["convert", str(SEED), "--output", str(tmp_path / "b.txt"), "--to", "inline"]).exit_code == 0
    assert runner.invoke(app, ["convert", str(SEED), "-o", str(tmp_path / "c.txt"), "--to", "inline"]).exit_code == 0
    first = (tmp_path / "a.txt").read_text()
    assert first == (tmp_path / "b.txt").read_text() == (tmp_path / "c.txt").read_text() and "actor: JOR | Jordan | GOV" in first
    for arguments in (["convert", str(SEED), str(tmp_path / "d.txt"), "--output", str(tmp_path / "e.txt")], ["convert", str(SEED)]):
        result = runner.invoke(app, arguments)
        assert result.exit_code == 2 and "give the output location once: as DESTINATION or as --output" in result.output


def test_eval_labels_take_a_shipped_name_or_a_path(tmp_path):
    runner = CliRunner()
    gold = TINY
    for labels in ("default", str(REPO / "configs" / "labels" / "default.yaml")):
        result = runner.invoke(eval_cli.app, ["score", str(gold), str(gold), "--labels", labels, "--bootstrap", "0", "--json"])
        assert result.exit_code == 0, result.output
    result = runner.invoke(eval_cli.app, ["score", str(gold), str(gold), "--labels", "nosuch", "--bootstrap", "0"])
    assert result.exit_code == 1 and "no label schema named 'nosuch'; shipped: default, newsmtsc, park2021, semeval2025" in result.output
    result = runner.invoke(eval_cli.app, ["baseline", "majority", "--labels", "nosuch", "--bootstrap", "0"])
    assert result.exit_code == 1 and "no label schema named 'nosuch'" in result.output

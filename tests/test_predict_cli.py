"""``actorstance predict``: text and JSONL inputs, streamed JSONL, JSON and HTML output, and every error path."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from actorstance.cli import app
from actorstance.corpus import check_article
from actorstance.labels import LabelSchema
from actorstance.schema import Article

from .tiny_run import broken_copy


runner = CliRunner()


@pytest.fixture
def inputs(tmp_path):
    (tmp_path / "iran.txt").write_text("Iran backs Hezbollah. The UN condemned the attack.", encoding="utf-8")
    (tmp_path / "batch.jsonl").write_text(
        '{"id": "rus", "text": "Russian troops fought rebels near Idlib."}\n'
        "\n"
        '{"text": "Oman said it does not take sides between Riyadh and the Houthis.", "meta": {"source": "wire"}}\n',
        encoding="utf-8",
    )
    return tmp_path


def _predict(*args, stdin=None):
    return runner.invoke(app, ["predict", *map(str, args)], input=stdin)


def _records(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_jsonl_from_text_and_jsonl_files(run_dir, inputs):
    result = _predict(run_dir, inputs / "iran.txt", inputs / "batch.jsonl", "--batch-size", "2")
    assert result.exit_code == 0, result.output
    records = _records(result.stdout)
    assert [r["id"] for r in records] == ["iran", "rus", "batch-3"]
    assert records[2]["meta"] == {"source": "wire"}
    schema = LabelSchema.load(run_dir / "labels.yaml")
    for record in records:
        article = Article.model_validate(record)
        assert check_article(article, schema) == []  # valid corpus records
        for mention in article.mentions:
            assert article.text[mention.start : mention.end] == mention.text


def test_json_array_and_output_file(run_dir, inputs):
    target = inputs / "out" / "predictions.json"
    target.parent.mkdir()
    result = _predict(run_dir, inputs / "iran.txt", "--format", "json", "--output", target)
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in json.loads(target.read_text(encoding="utf-8"))] == ["iran"]
    assert f"wrote 1 article(s) to {target} (json)" in " ".join(result.stderr.split())


def test_html_page(run_dir, inputs):
    target = inputs / "page.html"
    result = _predict(run_dir, inputs / "iran.txt", inputs / "batch.jsonl", "--format", "html", "-o", target)
    assert result.exit_code == 0, result.output
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.count('<section class="article"') == 3
    assert "src=" not in page and "<link" not in page  # offline: the network view's script is inlined


def test_stdin_as_text_and_as_jsonl(run_dir):
    text = "Iran backs Hezbollah.\n"
    result = _predict(run_dir, "-", stdin=text)
    assert result.exit_code == 0, result.output
    assert _records(result.stdout)[0]["text"] == text and _records(result.stdout)[0]["id"] == "stdin"
    result = _predict(run_dir, "--input-format", "jsonl", stdin='{"id": "s1", "text": "Daesh attacked villagers."}\n')
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in _records(result.stdout)] == ["s1"]


def test_progress_bar_on_stderr_only(run_dir, tmp_path):
    lines = "".join(json.dumps({"id": f"d{i}", "text": f"Iran backs Hezbollah {i}."}) + "\n" for i in range(5))
    (tmp_path / "many.jsonl").write_text(lines, encoding="utf-8")
    result = _predict(run_dir, tmp_path / "many.jsonl", "--batch-size", "2")  # more inputs than one batch
    assert result.exit_code == 0, result.output
    assert "predicting" in result.stderr and "5/5" in result.stderr
    assert len(_records(result.stdout)) == 5  # stdout holds only the records
    quiet = _predict(run_dir, tmp_path / "many.jsonl", "--batch-size", "2", "--no-progress")
    assert "predicting" not in quiet.stderr


@pytest.mark.parametrize(
    "text",
    ["", "   \n\t", "Россия и Iran договорились. 伊朗支持真主党。", "🙂 Iran 🇺🇦 backs Hezbollah 👍.", "Iran\x00 backs\x07 Hezbollah\x1b."],
    ids=["empty", "whitespace", "mixed-scripts", "emoji", "control-characters"],
)
def test_odd_texts_give_records(run_dir, tmp_path, text):
    path = tmp_path / "odd.txt"
    path.write_bytes(text.encode("utf-8"))
    result = _predict(run_dir, path)
    assert result.exit_code == 0, result.output
    record = _records(result.stdout)[0]
    assert record["text"] == text
    for mention in record.get("mentions", []):
        assert text[mention["start"] : mention["end"]] == mention["text"]


def test_one_megabyte_blob_is_refused_past_the_limit_and_predicted_under_a_raised_one(run_dir, tmp_path):
    """1 MB with no space or sentence end (a pasted binary, a minified page): over MAX_TEXT_CHARS by default."""
    text = "x" * 1_000_000
    (tmp_path / "blob.txt").write_text(text, encoding="utf-8")
    refused = _predict(run_dir, tmp_path / "blob.txt")
    assert refused.exit_code == 1 and refused.stdout == ""
    assert (
        f"skipped {tmp_path / 'blob.txt'}: 1,000,000 bytes, over the limit of 100,000 characters "
        "(actorstance.limits.MAX_TEXT_CHARS; split the article, or raise --max-text-chars)"
    ) in " ".join(refused.stderr.split())
    result = _predict(run_dir, tmp_path / "blob.txt", "--max-text-chars", "1000000")
    assert result.exit_code == 0, result.output
    assert _records(result.stdout)[0]["text"] == text


def test_bad_records_are_listed_and_skipped_and_good_ones_predicted(run_dir, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "fine"}\n{"text": 3}\n{oops\n{"id": "x"}\n{"id": "last", "text": "Iran backs Hezbollah."}\n', encoding="utf-8")
    (tmp_path / "latin.txt").write_bytes("Zürich".encode("latin-1"))
    out = tmp_path / "out.jsonl"
    result = _predict(run_dir, bad, tmp_path / "latin.txt", tmp_path / "missing.txt", "-o", out)
    assert result.exit_code == 1
    assert [r["id"] for r in _records(out.read_text(encoding="utf-8"))] == ["bad-1", "last"]
    errors = " ".join(result.stderr.split())
    assert f"skipped {bad}:2: field 'text': expected a string, got int" in errors
    assert f"skipped {bad}:3: invalid JSON" in errors
    assert f"skipped {bad}:4: missing field 'text'" in errors
    assert f"skipped {tmp_path / 'latin.txt'}: not UTF-8 text" in errors
    assert f"skipped {tmp_path / 'missing.txt'}: cannot read (No such file or directory)" in errors
    assert f"5 input record(s) skipped, listed in {out}.rejects.jsonl" in errors and "Traceback" not in errors
    rejects = _records((tmp_path / "out.jsonl.rejects.jsonl").read_text(encoding="utf-8"))
    assert [(r["source"], r["line"], r["raw"]) for r in rejects] == [
        (str(bad), 2, '{"text": 3}'), (str(bad), 3, "{oops"), (str(bad), 4, '{"id": "x"}'),
        (str(tmp_path / "latin.txt"), None, None), (str(tmp_path / "missing.txt"), None, None),
    ]  # fmt: skip


def test_bad_options(run_dir, inputs):
    result = _predict(run_dir, inputs / "iran.txt", "--format", "xml")
    assert result.exit_code == 2 and "--format: 'xml' is not one of jsonl, json, html, parquet" in result.stderr
    result = _predict(run_dir, inputs / "iran.txt", "--batch-size", "0")
    assert result.exit_code == 2
    result = _predict(run_dir, inputs / "iran.txt", "--backend", "tensorrt")
    assert result.exit_code == 2 and "backend 'tensorrt': unknown" in result.stderr


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("aliases.json", None, "aliases.json: missing"),
        ("aliases.json", b"{oops", "aliases.json: corrupt JSON"),
        ("labels.yaml", b"roles: [unclosed", "labels.yaml: invalid YAML"),
        ("model/heads.safetensors", b"garbage", "model: cannot load model"),
    ],
)
def test_broken_run_directory(run_dir, inputs, tmp_path, name, content, message):
    broken = broken_copy(run_dir, tmp_path / "broken-run", name, content)
    result = _predict(broken, inputs / "iran.txt")
    assert result.exit_code == 2
    assert message in " ".join(result.stderr.split()) and "Traceback" not in result.stderr


def test_missing_run_directory(inputs, tmp_path):
    result = _predict(tmp_path / "nope", inputs / "iran.txt")
    assert result.exit_code == 2 and "not a run directory" in result.stderr


def test_unwritable_output(run_dir, inputs, tmp_path):
    result = _predict(run_dir, inputs / "iran.txt", "-o", inputs / "iran.txt" / "under-a-file.jsonl")
    assert result.exit_code == 1 and "cannot write (File exists)" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("to_stdout", [False, True], ids=["-o /dev/full", "> /dev/full"])
def test_a_full_disk_gives_one_clean_error(run_dir, inputs, to_stdout):
    """Issue 13 item 4: a write error on close printed a traceback after the right message."""
    command = [sys.executable, "-m", "actorstance", "predict", str(run_dir), str(inputs / "iran.txt")]
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            command if to_stdout else [*command, "-o", "/dev/full"], stdout=full if to_stdout else subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, timeout=300,
        )  # fmt: skip
    target = "stdout" if to_stdout else "/dev/full"
    assert result.returncode == 1
    assert result.stderr.strip() == f"error: {target}: cannot write (No space left on device)"

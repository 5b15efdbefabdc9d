"""One JSONL reader: records end at "\\n" only, a bad line never hides the others, an empty corpus is refused."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from actorstance.cli import app
from actorstance.corpus import CorpusError, check_corpus, load_corpus, write_corpus
from actorstance.corpus.doccano import read_doccano
from actorstance.corpus.jsonl import jsonl_lines, read_jsonl_unchecked
from actorstance.labels import LabelSchema
from actorstance.predict_io import read_inputs

from .conftest import make_article

runner = CliRunner()
SEPARATORS = ["\u2028", "\u2029", "\u0085"]  # str.splitlines breaks that json.dumps leaves unescaped


def _article(article_id: str, separator: str):
    text = f"Iran backs Hezbollah.{separator}The UN condemned the attack."
    return make_article(article_id, text, [("Iran", "IRN"), ("Hezbollah", "HEZ"), ("The UN", "UN")], roles={"HEZ": "MILITIA", "UN": "IGO"})


@pytest.mark.parametrize("separator", SEPARATORS, ids=[f"U+{ord(s):04X}" for s in SEPARATORS])
def test_a_line_separator_inside_a_text_round_trips(tmp_path, separator):
    articles = [_article("a", separator), _article("b", " ")]
    path = write_corpus(articles, tmp_path / "corpus.jsonl")
    assert separator in path.read_text(encoding="utf-8")  # written unescaped (ensure_ascii=False)
    assert load_corpus(path) == articles
    assert read_jsonl_unchecked(path) == articles
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "OK: 2 articles" in result.stdout


def test_line_numbers_count_newlines_only(tmp_path):
    path = tmp_path / "corpus.jsonl"
    good = json.dumps(_article("a", "\u2028").to_dict(), ensure_ascii=False)
    path.write_text(good + "\n\n{broken\n", encoding="utf-8")
    _, issues = check_corpus([path])
    assert [(issue.line, issue.field) for issue in issues] == [(3, "json")]


def test_jsonl_lines_splits_on_newline_only():
    assert list(jsonl_lines('{"a": "x\u2028y"}\r\n\n  \n[1]')) == [(1, '{"a": "x\u2028y"}\r', None), (4, "[1]", None)]
    assert list(jsonl_lines(b'\xef\xbb\xbf{}\n{"a": "caf\xe9"}\n[]')) == [
        (1, "{}", None),
        (2, None, "not valid UTF-8: byte 0xe9 at column 11"),  # 1-based: 10 ASCII bytes before it
        (3, "[]", None),
    ]


def test_predict_jsonl_input_keeps_a_line_separator(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({"id": "ls", "text": "Iran backs Hezbollah.\u2028The UN condemned it."}, ensure_ascii=False) + "\n", encoding="utf-8")
    [doc] = read_inputs([path])
    assert (doc.id, doc.text, doc.where) == ("ls", "Iran backs Hezbollah.\u2028The UN condemned it.", f"{path}:1")


def test_doccano_export_keeps_a_line_separator(tmp_path):
    path = tmp_path / "export.jsonl"
    record = {"id": 1, "text": "Iran\u2028backs Hezbollah.", "entities": [{"id": 1, "label": "GOV", "start_offset": 0, "end_offset": 4}], "relations": [],
              "actors": [{"id": "IRN", "name": "Iran", "mentions": [[0, 4]]}]}  # fmt: skip
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    [article] = read_doccano(path)
    assert article.text == "Iran\u2028backs Hezbollah." and [m.text for m in article.mentions] == ["Iran"]


def test_a_latin1_line_is_reported_and_the_other_lines_are_checked(tmp_path):
    path = tmp_path / "corpus.jsonl"
    good = json.dumps(_article("good", " ").to_dict(), ensure_ascii=False).encode()
    bad_role = json.dumps({**_article("bad-role", " ").to_dict(), "actors": [{"id": "IRN", "name": "Iran", "role": "NOPE"}]}).encode()
    path.write_bytes(good + b"\n" + b'{"id": "caf\xe9", "text": "x"}\n' + bad_role + b"\n")
    articles, issues = check_corpus([path])
    assert [a.id for a in articles] == ["good", "bad-role"]  # read, then refused for its role
    assert [str(issue) for issue in issues][:2] == [
        f"{path}:2: article ?: encoding: not valid UTF-8: byte 0xe9 at column 12",  # 1-based: 11 ASCII bytes before it
        f"{path}:3: article bad-role: actors[0].role: 'NOPE' is not in the label set {LabelSchema.default().roles}",
    ]
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1 and f"{path}:2: article ?: encoding" in result.stderr and f"{path}:3: article bad-role" in result.stderr


@pytest.mark.parametrize("content", [b"", b"\n\n  \n"], ids=["empty", "blank-lines"])
def test_an_empty_corpus_file_is_refused(tmp_path, content):
    path = tmp_path / "empty.jsonl"
    path.write_bytes(content)
    with pytest.raises(CorpusError) as caught:
        load_corpus(path)
    assert [str(issue) for issue in caught.value.issues] == [f"{path}: article ?: file: no articles: the file is empty or holds only blank lines"]
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1 and "no articles" in result.stderr and "OK" not in result.stdout

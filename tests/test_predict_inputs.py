"""Odd and bad input to the Python API, input reading and output writing, run directories, backends."""

from __future__ import annotations

import io
import json

import pytest

from actorstance.backends import BackendError, check_backend
from actorstance.predict_io import (
    InputError,
    load_predictor,
    predict_stream,
    read_inputs,
    write_predictions,
)
from actorstance.predictor import Predictor, _equal_length_batches
from actorstance.run import RunDirError
from actorstance.schema import Article
from actorstance.text import text_problem

from .tiny_run import broken_copy


ODD_TEXTS = {
    "empty": "",
    "whitespace": " \n\t  \r\n ",
    "mixed scripts": "Россия и Iran договорились. 伊朗支持真主党。 العراق يدعم إيران. Ελλάδα.",
    "emoji": "🙂🙂 Iran 🙂 backs Hezbollah 🇺🇦👩‍👩‍👧. 🔥🔥",
    "control characters": "Iran\x00 backs\x07 Hezbollah\x1b[31m.\x0c The UN\u200b\u202e condemned\x7f it.",
}


def _valid(article: Article, text: str) -> None:
    assert article.text == text
    actor_ids = {actor.id for actor in article.actors}
    for mention in article.mentions:
        assert text[mention.start : mention.end] == mention.text and mention.text.strip()
        assert mention.actor in actor_ids
    for stance in article.stances:
        assert {stance.holder, stance.target} <= actor_ids | {"AUTHOR"}
    json.dumps(article.to_dict())  # serialisable as it is


@pytest.mark.parametrize("name", list(ODD_TEXTS))
def test_odd_text_gets_a_valid_article(predictor, name):
    text = ODD_TEXTS[name]
    _valid(predictor.predict(text), text)


def test_empty_and_whitespace_give_empty_articles(predictor):
    for text in ("", "   ", "\n\n\t"):
        result = predictor.predict(text)
        assert (result.mentions, result.actors, result.stances) == ([], [], [])


def test_non_string_is_a_type_error_naming_the_position(predictor):
    with pytest.raises(TypeError, match="text 0: expected str, got bytes"):
        predictor.predict([b"Iran backs Hezbollah."])
    with pytest.raises(TypeError, match="text 1: expected str, got NoneType"):
        predictor.predict(["fine", None])


def test_lone_surrogate_is_a_value_error_naming_the_position(predictor):
    with pytest.raises(ValueError, match=r"text 1: invalid Unicode at character 5 \(a lone surrogate"):
        predictor.predict(["fine", "Iran \ud800 backs"])


def test_text_problem_names_what_is_wrong():
    assert text_problem("any text 🙂 \x00") is None and text_problem("") is None
    assert text_problem(3) == "expected a string, got int"
    assert "lone surrogate" in text_problem("Iran \ud800 backs")


def test_long_text(predictor):
    text = "Iran backs Hezbollah while the UN condemned Russian troops near Idlib. " * 120  # ~8,500 characters
    _valid(predictor.predict(text, batch_size=64), text)


def _long_text_helpers(size: int) -> tuple[float, int, int]:
    """Seconds (best of two) to split ``size`` characters into sentences and build the stance
    contexts of a mention of Russia, Iran and Hezbollah every 75 characters of its first 45 %."""
    import time

    from actorstance.dataset import StanceOptions, stance_contexts
    from actorstance.schema import Actor, Mention
    from actorstance.text import sentence_spans

    text = ("Gen. Smith of the U.S. met Iran's envoy. Russia and Iran backed Hezbollah. " * (size // 70 + 1))[:size]
    mentions = []
    for offset in range(0, int(size * 0.45), 75):
        for surface, actor in (("Russia", "RUS"), ("Iran", "IRN"), ("Hezbollah", "HEZ")):
            start = text.index(surface, offset)
            mentions.append(Mention(start=start, end=start + len(surface), text=surface, actor=actor))
    mentions = sorted({(m.start, m.actor): m for m in mentions}.values(), key=lambda m: m.start)
    article = Article(id="long", text=text, mentions=mentions, actors=[Actor(id=a, name=a, role="GOV") for a in ("RUS", "IRN", "HEZ")])
    best = float("inf")
    for _ in range(2):
        started = time.perf_counter()
        sentences, contexts = len(sentence_spans(text)), len(stance_contexts(article, StanceOptions()))
        best = min(best, time.perf_counter() - started)
    return best, sentences, contexts


def test_long_text_helpers_are_linear():
    """Four times the text (and mentions) takes about four times as long, not sixteen: both helpers
    used to rescan the text or every mention at every step (minutes to hours for 1 MB). A ratio of
    two runs on the same machine, so a busy machine does not fail it."""
    small_seconds, small_sentences, small_contexts = _long_text_helpers(250_000)
    large_seconds, large_sentences, large_contexts = _long_text_helpers(1_000_000)
    assert large_sentences > 25000 and large_contexts > 30000
    assert 3.9 < large_sentences / small_sentences < 4.1 and 3.9 < large_contexts / small_contexts < 4.1
    assert large_seconds / small_seconds < 8, (small_seconds, large_seconds)  # linear: ~4; quadratic: ~16


@pytest.mark.slow
def test_one_megabyte_of_text_is_tagged_then_refused_at_the_stance_bound(predictor):
    """Tagging a 1 MB text works (in pieces); its hundreds of thousands of actor-pair contexts are over
    the stance-candidate bound, so the prediction stops with a message naming it instead of running for hours."""
    from actorstance.limits import LimitExceeded

    text = ("Iran backs Hezbollah while the UN condemned Russian troops near Idlib. " * 14100)[:1_000_000]
    with pytest.raises(LimitExceeded, match=r"^article doc-0: [\d,]+ stance candidates, over the limit of 20,000$"):
        predictor.predict(text, batch_size=64)


def test_batches_hold_one_length_within_the_token_budget():
    lengths = [5, 30, 12, 128, 7, 64, 64, 3, 5, 5, 5, 64]
    order = sorted(range(len(lengths)), key=lengths.__getitem__)
    batches = _equal_length_batches(order, lengths, budget=128)
    assert [i for batch in batches for i in batch] == order
    assert [[lengths[i] for i in batch] for batch in batches] == [[3], [5, 5, 5, 5], [7], [12], [30], [64, 64], [64], [128]]
    assert _equal_length_batches([], [], 128) == []


# --------------------------------------------------------------------------- run directories


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("config.yaml", None, r"config.yaml: missing"),
        ("config.yaml", b"name: [unclosed", r"config.yaml: invalid YAML"),
        ("labels.yaml", None, r"labels.yaml: missing"),
        ("labels.yaml", b"roles: [unclosed", r"labels.yaml: invalid YAML"),
        ("labels.yaml", b"roles: []\nstances: [A]\n", r"roles"),
        ("aliases.json", None, r"aliases.json: missing"),
        ("aliases.json", b"{oops", r"aliases.json: corrupt JSON"),
        ("metrics.json", b"\xff\xfe", r"metrics.json: corrupt JSON"),
        ("model/heads.json", None, r"model: cannot load model"),
        ("model/heads.json", b"{oops", r"model: cannot load model"),
        ("model/heads.safetensors", b"not a tensor file", r"model: cannot load model"),
        ("model/encoder/config.json", b"{oops", r"model: cannot load model"),
        ("model/encoder/model.safetensors", None, r"model: cannot load model"),
        ("model/tokenizer_config.json", b"{oops", r"model: cannot load tokenizer"),
    ],
)
def test_broken_run_directory_is_named(run_dir, tmp_path, name, content, message):
    broken = broken_copy(run_dir, tmp_path / "run", name, content)
    with pytest.raises(RunDirError, match=message):
        load_predictor(broken)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"roles: [unclosed", r"labels.yaml: invalid YAML \(while parsing"),
        (b"\xff\xfe", r"labels.yaml: invalid YAML \('utf-8' codec"),
        (b"roles: []\nstances: [A]\n", r"labels.yaml: invalid label schema"),
    ],
)
def test_from_pretrained_names_a_corrupt_label_schema(run_dir, tmp_path, content, message):
    broken = broken_copy(run_dir, tmp_path / "run", "labels.yaml", content)
    with pytest.raises(RunDirError, match=message):
        Predictor.from_pretrained(broken)


def test_missing_run_directory(tmp_path):
    with pytest.raises(RunDirError, match="not a run directory"):
        load_predictor(tmp_path / "nothing")
    (tmp_path / "file").write_text("x")
    with pytest.raises(RunDirError, match="not a run directory"):
        load_predictor(tmp_path / "file")


# --------------------------------------------------------------------------- backends


def test_unknown_backend_is_refused_before_loading(tmp_path):
    with pytest.raises(BackendError, match="backend 'tensorrt': unknown; choose one of torch, compile, onnx, onnx-int8"):
        Predictor.from_pretrained(tmp_path / "not-even-a-run", backend="tensorrt")
    check_backend("torch")


def test_onnx_backend_gives_the_same_predictions(run_dir, predictor):
    pytest.importorskip("onnxruntime")
    pytest.importorskip("onnx")
    onnx = Predictor.from_pretrained(run_dir, device="cpu", backend="onnx")
    texts = ["Iran backs Hezbollah. The UN condemned the attack.", "Russian troops fought rebels near Idlib.", ""]
    for ours, theirs in zip(predictor.predict(texts), onnx.predict(texts)):
        assert [(m.start, m.end, m.actor) for m in ours.mentions] == [(m.start, m.end, m.actor) for m in theirs.mentions]
        assert [(s.holder, s.target, s.label) for s in ours.stances] == [(s.holder, s.target, s.label) for s in theirs.stances]
        for a, b in zip(ours.mentions, theirs.mentions):
            assert a.score == pytest.approx(b.score, abs=1e-3)
    assert onnx.backend == "onnx"


def test_onnx_int8_backend_gives_valid_articles(run_dir):
    pytest.importorskip("onnxruntime")
    pytest.importorskip("onnx")
    quantized = Predictor.from_pretrained(run_dir, device="cpu", backend="onnx-int8")
    for text in ODD_TEXTS.values():
        _valid(quantized.predict(text), text)
    assert quantized.backend == "onnx-int8"


def test_onnx_backend_without_onnxruntime_says_how_to_install(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "onnxruntime" else real(name, *a))
    with pytest.raises(BackendError, match="pip install onnxruntime onnx"):
        check_backend("onnx")


@pytest.mark.slow
def test_compile_backend_gives_the_same_predictions(run_dir, predictor):
    compiled = Predictor.from_pretrained(run_dir, device="cpu", backend="compile")
    text = "Iran backs Hezbollah. The UN condemned the attack."
    ours, theirs = predictor.predict(text), compiled.predict(text)
    assert [(m.start, m.end, m.actor) for m in ours.mentions] == [(m.start, m.end, m.actor) for m in theirs.mentions]


# --------------------------------------------------------------------------- reading inputs


def test_read_text_and_jsonl_inputs(tmp_path):
    (tmp_path / "one.txt").write_text("Iran backs Hezbollah.", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "one.txt").write_text("\ufeffSame name, other folder.", encoding="utf-8")
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "b.jsonl").write_text(
        '{"id": "x", "text": "Russian troops fought rebels.", "meta": {"source": "wire"}}\n\n{"text": "No id here."}\n{"id": 7, "text": ""}\n',
        encoding="utf-8",
    )
    docs = read_inputs([tmp_path / "one.txt", tmp_path / "sub" / "one.txt", tmp_path / "empty.txt", tmp_path / "b.jsonl"])
    assert [(d.id, d.where) for d in docs] == [
        ("one", str(tmp_path / "one.txt")),
        ("one-2", str(tmp_path / "sub" / "one.txt")),
        ("empty", str(tmp_path / "empty.txt")),
        ("x", f"{tmp_path / 'b.jsonl'}:1"),
        ("b-3", f"{tmp_path / 'b.jsonl'}:3"),
        ("7", f"{tmp_path / 'b.jsonl'}:4"),
    ]
    assert docs[1].text == "Same name, other folder." and docs[3].meta == {"source": "wire"}


def test_bad_inputs_are_all_listed_with_file_and_line(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        '{"text": 3}\n{oops\n[1, 2]\n{"id": "a"}\n{"id": "d", "text": "x"}\n{"id": "d", "text": "y"}\n'
        '{"id": [1], "text": "z"}\n{"text": "\\ud800"}\n{"text": "ok", "meta": 5}\n',
        encoding="utf-8",
    )
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Zürich".encode("latin-1"))
    with pytest.raises(InputError) as caught:
        read_inputs([bad, latin, tmp_path / "missing.txt", tmp_path])
    assert caught.value.problems == [
        f"{bad}:1: field 'text': expected a string, got int",
        f"{bad}:2: invalid JSON (Expecting property name enclosed in double quotes at column 2)",
        f"{bad}:3: expected a JSON object with a 'text' field, got list",
        f"{bad}:4: missing field 'text'",
        f"{bad}:6: duplicate id 'd' (first at {bad}:5)",
        f"{bad}:7: field 'id' must be a string or an integer, got list",
        f"{bad}:8: field 'text': invalid Unicode at character 0 (a lone surrogate such as \\ud800)",
        f"{bad}:9: field 'meta' must be an object, got int",
        f"{latin}: not UTF-8 text (byte 1: invalid start byte)",
        f"{tmp_path / 'missing.txt'}: cannot read (No such file or directory)",
        f"{tmp_path}: is a folder; pass the files in it (e.g. {tmp_path}/*.txt)",
    ]


def test_forced_input_format(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text('{"text": "as JSONL"}\n', encoding="utf-8")
    assert read_inputs([notes])[0].text == '{"text": "as JSONL"}\n'
    assert read_inputs([notes], "jsonl")[0].text == "as JSONL"
    with pytest.raises(InputError, match="--input-format: 'xml' is not one of auto, text, jsonl"):
        read_inputs([notes], "xml")


# --------------------------------------------------------------------------- streaming and writing


class _CountingPredictor:
    def __init__(self):
        self.calls = []

    def predict_articles(self, articles, batch_size=32, min_score=None):
        self.calls.append([a.id for a in articles])
        return [Article(id=a.id, text=a.text) for a in articles]


def test_predict_stream_yields_each_batch_before_predicting_the_next():
    from actorstance.predict_io import InputDoc

    fake = _CountingPredictor()
    docs = [InputDoc(f"d{i}", "text", "x") for i in range(5)]
    stream = predict_stream(fake, docs, batch_size=2)
    assert next(stream).id == "d0" and fake.calls == [["d0", "d1"]]
    assert [a.id for a in stream] == ["d1", "d2", "d3", "d4"]
    assert fake.calls == [["d0", "d1"], ["d2", "d3"], ["d4"]]


def test_write_predictions_formats():
    articles = [Article(id="a", text="Iran 🙂"), Article(id="b", text="x\x00")]
    out = io.StringIO()
    assert write_predictions(articles, out, "jsonl") == 2
    assert [json.loads(line)["id"] for line in out.getvalue().splitlines()] == ["a", "b"]
    out = io.StringIO()
    write_predictions(articles, out, "json")
    assert [record["text"] for record in json.loads(out.getvalue())] == ["Iran 🙂", "x\x00"]
    out = io.StringIO()
    write_predictions([], out, "json")
    assert json.loads(out.getvalue()) == []
    out = io.StringIO()
    write_predictions(articles, out, "html")
    assert out.getvalue().startswith("<!DOCTYPE html>") and "no stances to draw" in out.getvalue()
    with pytest.raises(ValueError, match="output format 'xml'"):
        write_predictions(articles, io.StringIO(), "xml")


def test_decoded_spans_lose_edge_prepositions_and_finish_names(predictor, monkeypatch):
    import dataclasses

    import numpy as np

    from actorstance.predictor import _Word

    text = "Members of Foro Penal met France 24 staff and the Kachin News Group."
    tags = predictor.labels.bio_labels
    tagged = {"of": "B-CIV", "Foro": "I-CIV", "Penal": "I-CIV", "France": "B-MEDIA", "Kachin": "B-MEDIA", "News": "I-MEDIA", "Group": "I-MEDIA"}
    words = []
    for word in text.rstrip(".").split():
        start = text.index(word)
        tag = tags.index(tagged.get(word, "O"))
        probabilities = np.full(len(tags), 0.01, dtype=np.float32)
        probabilities[tag] = 0.9
        words.append(_Word(start, start + len(word), probabilities, tag, 0.9))
    repaired = [(text[start:end], role) for start, end, role, _ in predictor._decode(text, words)]
    assert repaired == [("Foro Penal", "CIV"), ("France 24", "MEDIA"), ("the Kachin News Group", "MEDIA")]
    monkeypatch.setattr(predictor, "_role_options", dataclasses.replace(predictor._role_options, repair_spans=False))
    as_tagged = [(text[start:end], role) for start, end, role, _ in predictor._decode(text, words)]
    assert as_tagged == [("of Foro Penal", "CIV"), ("France", "MEDIA"), ("Kachin News Group", "MEDIA")]


def test_decoded_spans_of_a_web_page_keep_headline_words_out_and_drop_web_tokens(predictor, monkeypatch):
    import dataclasses
    import re

    import numpy as np

    from actorstance.predictor import _Word

    text = "UK Plans To Put Troops In Ukraine\n\nThe International Monetary Fund (IMF) praised Kyiv, wrote @ZelenskyyUa #Kyiv."
    tags = predictor.labels.bio_labels
    tagged = {"UK": "B-GOV", "Troops": "B-MIL", "Ukraine": "B-GOV", "The": "B-IGO", "International": "I-IGO", "Monetary": "I-IGO",
              "Fund": "I-IGO", "(": "I-IGO", "IMF": "I-IGO", ")": "I-IGO", "Kyiv": "B-GOV", "ZelenskyyUa": "B-GOV"}  # fmt: skip
    words = []
    for match in re.finditer(r"\w+|[^\w\s]", text):  # word pieces as a BERT pre-tokenizer cuts them
        tag = tags.index(tagged.get(match.group(), "O"))
        probabilities = np.full(len(tags), 0.01, dtype=np.float32)
        probabilities[tag] = 0.9
        words.append(_Word(match.start(), match.end(), probabilities, tag, 0.9))

    def decoded() -> list[tuple[str, str]]:
        return [(text[start:end], role) for start, end, role, _ in predictor._decode(text, words)]

    assert decoded() == [
        ("UK", "GOV"), ("Troops", "MIL"), ("Ukraine", "GOV"),  # a headline's capitals grow no name ("UK Plans To Put")
        ("The International Monetary Fund", "IGO"), ("IMF", "IGO"),  # cut at the bracket
        ("Kyiv", "GOV"),  # both the handle's "ZelenskyyUa" and the hashtag's "Kyiv" dropped
    ]  # fmt: skip
    monkeypatch.setattr(predictor, "_role_options", dataclasses.replace(predictor._role_options, repair_spans=False))
    assert decoded() == [
        ("UK", "GOV"), ("Troops", "MIL"), ("Ukraine", "GOV"), ("The International Monetary Fund (IMF", "IGO"), ("Kyiv", "GOV"),
        ("ZelenskyyUa", "GOV"), ("Kyiv", "GOV"),
    ]  # fmt: skip


def test_repaired_spans_never_overlap_or_cross_a_sentence(predictor):
    import numpy as np

    from actorstance.predictor import _Word

    text = "Iran backs Hezbollah. The UN condemned the attack."
    tags = predictor.labels.bio_labels
    first = ["B-GOV", "I-GOV", "I-GOV"]  # "Iran backs Hezbollah." (its full stop kept, as in "U.S.")
    words = []
    for index, (start, end) in enumerate([(0, 4), (5, 10), (11, 21), (22, 25), (26, 28), (29, 38), (39, 42), (43, 49)]):
        tag = tags.index(first[index] if index < 3 else "B-IGO" if index == 4 else "I-IGO" if index > 4 else "O")
        probabilities = np.full(len(tags), 0.01, dtype=np.float32)
        probabilities[tag] = 0.9
        words.append(_Word(start, end, probabilities, tag, 0.9))
    spans = [(start, end) for start, end, _, _ in predictor._decode(text, words)]
    assert [text[start:end] for start, end in spans] == ["Iran backs Hezbollah.", "The UN condemned the attack"]
    assert spans[0][1] <= spans[1][0]


def test_outside_weight_tags_words_the_tagger_half_believes_in(predictor, monkeypatch):
    import dataclasses

    import numpy as np

    from actorstance.predictor import _Word

    text = "The attackers fled and villagers wept."
    tags = predictor.labels.bio_labels
    # "attackers": O 0.5 against B-MILITIA 0.4; "villagers": O 0.8 against B-CIV 0.15; the rest plainly O
    doubts = {"attackers": ("B-MILITIA", 0.5, 0.4), "villagers": ("B-CIV", 0.8, 0.15)}
    words = []
    for word in text.rstrip(".").split():
        start = text.index(word)
        role, outside, inside = doubts.get(word, ("B-GOV", 0.95, 0.01))
        probabilities = np.full(len(tags), (1 - outside - inside) / (len(tags) - 2), dtype=np.float32)
        probabilities[0], probabilities[tags.index(role)] = outside, inside
        words.append(_Word(start, start + len(word), probabilities, int(probabilities.argmax()), float(probabilities.max())))

    def decoded(weight: float) -> list[tuple[str, str, float]]:
        options = dataclasses.replace(predictor._role_options, outside_weight=weight)
        monkeypatch.setattr(predictor, "_role_options", options)
        return [(text[start:end], role, round(confidence, 3)) for start, end, role, confidence in predictor._decode(text, words)]

    assert decoded(1.0) == []
    assert decoded(0.5) == [("attackers", "MILITIA", 0.4)]  # 0.5 x 0.5 = 0.25 < 0.4; "villagers" 0.4 > 0.15
    assert decoded(0.1) == [("attackers", "MILITIA", 0.4), ("villagers", "CIV", 0.15)]  # confidence: the chosen tag's own
    assert words[1].tag == 0  # the words themselves are left as they were


def test_outside_weight_must_be_a_weight_down():
    from actorstance.config import ConfigError, load_config

    with pytest.raises(ConfigError, match="outside_weight"):
        load_config(None, ["roles.outside_weight=1.5"])
    with pytest.raises(ConfigError, match="outside_weight"):
        load_config(None, ["roles.outside_weight=0"])
    assert load_config(None, ["roles.outside_weight=0.25"]).roles.options().outside_weight == 0.25

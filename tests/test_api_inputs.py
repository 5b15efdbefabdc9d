"""Wrong arguments to `Predictor.predict` and a run directory that does not hang together: each error
says what was expected and what came, and names the file."""

from __future__ import annotations

import json

import pytest

from actorstance.predictor import Predictor
from actorstance.run import RunDirError
from actorstance.schema import Mention

from .tiny_run import broken_copy

TEXT = "Iran backs Hezbollah."


@pytest.mark.parametrize(
    ("texts", "kwargs", "error", "message"),
    [
        (None, {}, TypeError, "texts: expected a string or a list of strings, got NoneType"),
        (b"Iran backs Hezbollah.", {}, TypeError, "texts: expected a string or a list of strings, got bytes (decode it first, e.g. data.decode('utf-8'))"),
        (3, {}, TypeError, "texts: expected a string or a list of strings, got int"),
        (TEXT, {"batch_size": 0}, ValueError, "batch_size: expected a positive integer, got 0"),
        (TEXT, {"batch_size": True}, ValueError, "batch_size: expected a positive integer, got True"),
        ([TEXT], {"mentions": [{"start": 0, "end": 4}]}, TypeError,
         "mentions: with a list of texts, expected one list of mentions per text, got a flat list of mentions (wrap it: [[...], ...])"),
        ([TEXT, TEXT], {"mentions": [[{"start": 0, "end": 4}]]}, ValueError, "mentions: got 1 lists for 2 texts"),
        (TEXT, {"mentions": [[{"start": 0, "end": 4}]]}, TypeError, "mentions[0]: expected a Mention or a dict with 'start' and 'end', got list"),
        (TEXT, {"mentions": {"start": 0, "end": 4}}, TypeError, "mentions: expected a list of mentions, got dict"),
        (TEXT, {"mentions": [{"start": False, "end": 4}]}, TypeError, "mentions[0].start: expected an integer character offset, got False"),
        ([TEXT], {"mentions": [[{"start": 0, "end": True}]]}, TypeError, "mentions[0][0].end: expected an integer character offset, got True"),
        (TEXT, {"mentions": [{"start": 0}]}, TypeError, "mentions[0].end: expected an integer character offset, got None"),
    ],  # fmt: skip
)
def test_wrong_arguments_say_what_was_expected(predictor, texts, kwargs, error, message):
    with pytest.raises(error) as caught:
        predictor.predict(texts, **kwargs)
    assert str(caught.value) == message


def test_right_arguments_still_work(predictor):
    mention = Mention(start=0, end=4, text="Iran", actor="IRN")
    from_dict, from_mention = predictor.predict([TEXT, TEXT], mentions=[[{"start": 0, "end": 4, "actor": "IRN"}], (m for m in [mention])])
    assert [m.text for m in from_dict.mentions] == [m.text for m in from_mention.mentions] == ["Iran"]
    assert predictor.predict((t for t in [TEXT]), batch_size=1)[0].text == TEXT  # any iterable of strings


# --------------------------------------------------------------------------- run directories


def _without_one_role(labels_yaml: str) -> bytes:
    lines = labels_yaml.splitlines(keepends=True)
    roles_at = next(i for i, line in enumerate(lines) if line.startswith("roles:"))
    return "".join(lines[: roles_at + 1] + lines[roles_at + 2 :]).encode()


def test_labels_that_do_not_fit_the_heads_are_refused(run_dir, tmp_path):
    content = _without_one_role((run_dir / "labels.yaml").read_text(encoding="utf-8"))
    broken = broken_copy(run_dir, tmp_path / "run", "labels.yaml", content)
    with pytest.raises(RunDirError) as caught:
        Predictor.from_pretrained(broken)
    assert str(caught.value) == (
        f"{broken / 'labels.yaml'} does not match {broken / 'model' / 'heads.json'}: labels.yaml has 8 roles (17 BIO tags), "
        "but the role head has 19 outputs (9 roles); use the labels.yaml this run was trained with"
    )


def test_fewer_stance_labels_than_the_head_are_refused(run_dir, tmp_path):
    labels = (run_dir / "labels.yaml").read_text(encoding="utf-8").replace("- NEUTRAL\n", "")
    broken = broken_copy(run_dir, tmp_path / "run", "labels.yaml", labels.encode())
    with pytest.raises(RunDirError, match=r"labels.yaml has 2 stance labels \(3 classes with NONE\), but the stance head has 4 outputs \(3 stance labels\)"):
        Predictor.from_pretrained(broken)


def test_a_truncated_safetensors_file_is_named(run_dir, tmp_path):
    weights = run_dir / "model" / "encoder" / "model.safetensors"
    data = weights.read_bytes()
    broken = broken_copy(run_dir, tmp_path / "run", "model/encoder/model.safetensors", data[: len(data) // 2])
    header_length = int.from_bytes(data[:8], "little")
    header = json.loads(data[8 : 8 + header_length])
    expected = 8 + header_length + max(entry["data_offsets"][1] for key, entry in header.items() if key != "__metadata__")
    assert expected == len(data)  # the check's arithmetic, on an intact file
    with pytest.raises(RunDirError) as caught:
        Predictor.from_pretrained(broken)
    truncated = broken / "model" / "encoder" / "model.safetensors"
    assert str(caught.value) == (
        f"{broken / 'model'}: cannot load model: {truncated}: truncated ({len(data) // 2:,} bytes; its header describes {len(data):,}); copy the file again"
    )

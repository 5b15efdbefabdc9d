"""Every corpus format by name, for ``actorstance convert --from X --to Y`` and for importers.

Readers return articles or raise `CorpusError` naming every problem; writers write atomically.
Modules are imported when a format is used, so the CLI starts fast and nothing loads at import.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..schema import Article

__all__ = ["Format", "FORMATS", "read_articles", "write_articles"]

Reader = Callable[[Path], list[Article]]
Writer = Callable[[list[Article], Path], None]


@dataclass(frozen=True)
class Format:
    name: str
    module: str
    reader: str | None
    writer: str | None
    description: str

    def _function(self, attribute: str | None, action: str) -> Callable:
        if attribute is None:
            raise ValueError(f"format {self.name!r} cannot be {action}")
        return getattr(importlib.import_module(f"actorstance.corpus.{self.module}"), attribute)

    def read(self, path: Path) -> list[Article]:
        return self._function(self.reader, "read")(Path(path))

    def write(self, articles: list[Article], path: Path) -> None:
        self._function(self.writer, "written")(articles, Path(path))


FORMATS: dict[str, Format] = {
    fmt.name: fmt
    for fmt in (
        Format("jsonl", "jsonl", "read_jsonl_unchecked", "write_corpus", "native JSONL corpus (file or folder)"),
        Format("inline", "inline", "read_inline", "write_inline", "inline authoring notation ([surface](ACTOR) ...)"),
        Format("brat", "brat", "read_brat", "write_brat", "brat standoff: folder of .txt + .ann pairs"),
        Format("labelstudio", "labelstudio", "read_labelstudio", "write_labelstudio", "Label Studio JSON export"),
        Format("doccano", "doccano", "read_doccano", "write_doccano", "doccano JSONL (entities + relations)"),
        Format("park2021", "external", "read_park2021", None, "Park et al. 2021 directed sentiment (TSV)"),
        Format("newsmtsc", "external", "read_newsmtsc", None, "NewsMTSC target-dependent sentiment (JSONL)"),
        Format("semeval2025", "external", "read_semeval2025", "write_semeval2025", "SemEval-2025 T10 subtask 1 entity framing"),
    )
}


def _format(name: str) -> Format:
    if name not in FORMATS:
        raise ValueError(f"unknown format {name!r}; known: {', '.join(FORMATS)}")
    return FORMATS[name]


def read_articles(path: str | Path, format_name: str) -> list[Article]:
    return _format(format_name).read(Path(path))


def write_articles(articles: list[Article], path: str | Path, format_name: str) -> None:
    _format(format_name).write(articles, Path(path))

"""Corpus IO: the native JSONL format, validation, the inline notation and other tools' formats."""

from .formats import FORMATS, read_articles, write_articles
from .jsonl import check_corpus, corpus_files, dump_jsonl, load_corpus, write_corpus
from .validation import CorpusError, CorpusIssue, check_article

__all__ = [
    "FORMATS",
    "CorpusError",
    "CorpusIssue",
    "check_article",
    "check_corpus",
    "corpus_files",
    "dump_jsonl",
    "load_corpus",
    "read_articles",
    "write_articles",
    "write_corpus",
]

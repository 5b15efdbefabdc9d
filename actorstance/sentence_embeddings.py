"""A frozen sentence-transformer as its authors use it: mean-pooled, unit-length sentence vectors."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Embedder = Callable[[list[str]], np.ndarray]


def sentence_embedder(model_name: str, batch_size: int = 32, max_length: int = 256) -> Embedder:
    """``texts -> (len(texts), hidden size)`` unit vectors of the encoder ``model_name`` (a folder, a Hub
    name or ``package:MODULE``), frozen: the sentence-transformer's mean pooling over real tokens."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    from .config import resolve_model_name

    path = resolve_model_name(model_name)
    tokenizer, model = AutoTokenizer.from_pretrained(path), AutoModel.from_pretrained(path).eval()

    def embed(texts: list[str]) -> np.ndarray:
        out = []
        with torch.inference_mode():
            for start in range(0, len(texts), batch_size):
                batch = tokenizer(texts[start : start + batch_size], padding=True, truncation=True,
                                  max_length=max_length, return_tensors="pt")  # fmt: skip
                hidden = model(**batch).last_hidden_state
                mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                out.append(torch.nn.functional.normalize(pooled, dim=-1).numpy())
        return np.concatenate(out) if out else np.zeros((0, model.config.hidden_size))

    return embed

"""A copy of the tagger head re-fitted for the roles of given mentions.

With given mentions (``predict(text, mentions=...)``, the harness's gold-mention scores) the tagger
only has to say each mention's role, not where it starts and ends. The joint tagger head learned
both at the encoder's learning rate, which the stance graph needs low. Re-fitting a copy of it for
one epoch at a head's rate over the trained encoder's frozen final states of the training split's
tokens (decoupled classifier re-training) raises actor role accuracy given mentions on validation on
every seed of the default (README, "Roles decided per actor"). End to end the joint head still tags:
its roles are the ones the actor grouping and the stance decision were chosen with, and roles from
the re-fitted head lowered end-to-end stance F1 there on every seed.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from .dataset import IGNORE_INDEX, PadCollator, role_examples
from .labels import LabelSchema
from .options import RoleOptions
from .schema import Article

__all__ = ["encoder_states", "fit_given_role_head", "given_role_head_for"]


@torch.no_grad()
def encoder_states(model: nn.Module, rows: Sequence[dict], pad_id: int, batch_size: int = 32) -> tuple[torch.Tensor, torch.Tensor]:
    """The encoder's final states (float32, on the CPU) of every labelled token of ``rows`` (`dataset.role_examples`:
    ``input_ids`` and ``labels``, -100 where a token has no tag), and those tags."""
    was_training = model.training
    model.eval()
    device = next(model.parameters()).device
    pad = PadCollator(pad_id)
    states, tags = [], []
    try:
        for first in range(0, len(rows), batch_size):
            batch = pad([{"input_ids": row["input_ids"], "labels": row["labels"]} for row in rows[first : first + batch_size]])
            ids, mask, labels = (batch[key].to(device) for key in ("input_ids", "attention_mask", "labels"))
            hidden = model.encoder(input_ids=ids, attention_mask=mask).last_hidden_state.float()
            kept = labels != IGNORE_INDEX
            states.append(hidden[kept].cpu())
            tags.append(labels[kept].cpu())
    finally:
        model.train(was_training)
    if not states:
        raise ValueError("no labelled tokens to fit the given-mention role head on")
    return torch.cat(states), torch.cat(tags)


def fit_given_role_head(
    model: nn.Module, rows: Sequence[dict], pad_id: int, *, epochs: int = 1, learning_rate: float = 1e-3,
    batch_size: int = 512, dropout: float = 0.1, seed: int = 0,
) -> nn.Linear:  # fmt: skip
    """A copy of ``model.role_head`` trained ``epochs`` passes (AdamW; the order and the ``dropout`` of the
    states drawn from ``seed``, so a re-fit is repeatable) on the frozen `encoder_states` of ``rows``;
    ``model`` is not changed."""
    if not 0 <= dropout < 1:
        raise ValueError(f"dropout must be in [0, 1), not {dropout}")
    if model.role_head is None:
        raise ValueError("the model has no tagger head to re-fit")
    states, tags = encoder_states(model, rows, pad_id)
    head = nn.Linear(model.role_head.in_features, model.role_head.out_features)
    head.load_state_dict({name: value.detach().float().cpu() for name, value in model.role_head.state_dict().items()})
    optimiser = torch.optim.AdamW(head.parameters(), lr=learning_rate, weight_decay=0.01)
    generator = torch.Generator().manual_seed(seed)
    head.train()
    for _ in range(epochs):
        order = torch.randperm(len(states), generator=generator)
        for first in range(0, len(states), batch_size):
            chosen = order[first : first + batch_size]
            noisy = states[chosen] * (torch.rand(len(chosen), states.size(1), generator=generator) >= dropout) / (1 - dropout)
            loss = nn.functional.cross_entropy(head(noisy), tags[chosen])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
    head.eval()
    device = next(model.role_head.parameters()).device
    return head.to(device=device, dtype=model.role_head.weight.dtype)


def given_role_head_for(
    model: nn.Module, articles: Sequence[Article], tokenizer, labels: LabelSchema, role_options: RoleOptions, seed: int
) -> nn.Linear:
    """`fit_given_role_head` on the tagger's training rows of annotated ``articles`` (`dataset.role_examples`)."""
    rows = role_examples(articles, tokenizer, labels, role_options)
    return fit_given_role_head(model, rows, tokenizer.pad_token_id or 0, seed=seed)

"""How articles become model inputs: window sizes, stance pairing and split ratios.

Plain dataclasses with no heavy imports, so `actorstance.config` builds and validates them without
loading the data stack; their defaults here are the only ones (the config's fields read them).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["RoleOptions", "StanceOptions", "SplitOptions"]


@dataclass(frozen=True)
class RoleOptions:
    max_length: int = 128
    stride: int = 32
    label_all_tokens: bool = False
    decision: str = "token_vote"  # or "actor": one decision per actor from its marked mentions over the article
    tagger: bool = True  # train the token tagger (mention spans); decision "actor" without it: given mentions only
    actor_max_length: int = 256  # tokens per window of the actor decision
    class_weights: str = "none"  # or "balanced": inverse class frequency in the actor head's loss
    vote: str = "geometric"  # token_vote, given mentions: how the mentions' role scores combine (`predictor.pool_role_scores`)
    repair_spans: bool = True  # predicted spans: edge prepositions dropped, a name grown over the capitalised words after it and a 'the' before it (not in headlines), cut at brackets, none in web tokens
    given_role_head: bool = True  # token_vote: re-fit a copy of the tagger head for given mentions' roles after training (`given_roles`)
    outside_weight: float = 1.0  # predicted mentions: the O tag's probability is scaled by this before a word's tag is chosen


@dataclass(frozen=True)
class StanceOptions:
    max_length: int = 192
    max_sentence_distance: int = 1
    negative_ratio: float | None = 3.0
    include_author: bool = False
    holder_markers: tuple[str, str] = ("<<", ">>")
    target_markers: tuple[str, str] = ("[[", "]]")
    typed_markers: bool = False  # the actor's role inside its opening marker ("<< gov : Jordan >>"); pair_contexts only
    design: str = "pair_contexts"  # or "windows": each window encoded once, all its pairs from pooled mentions
    directions: str = "ordered"  # or "joint": one pair_contexts pass per unordered pair gives both directions' labels
    name_swap: float = 0.0  # training split only: share of contexts whose two actors are written as other actors' names
    hard_negatives: float = 0.0  # training only: share of the kept NONE contexts drawn from stretches stating another pair's stance


@dataclass(frozen=True)
class SplitOptions:
    train: float = 0.8
    validation: float = 0.1
    test: float = 0.1
    seed: int = 13

"""Encoder + task heads: a BIO role tagger, a marked-pair stance classifier and an actor role classifier.

The heads are sized from the label schema; the encoder is any Hugging Face encoder. With both
heads the encoder is shared and trained jointly; a model may also carry one head only. A stance head
with joint directions gives two distributions per marked pair: holder -> target, then target -> holder.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import get_args

import torch
from safetensors.torch import load_file, save_file
from torch import nn
from transformers import AutoConfig, AutoModel

from .config import StanceConfig

__all__ = ["ActorStanceModel", "HEADS_FILE", "HEADS_CONFIG"]

HEADS_FILE = "heads.safetensors"
HEADS_CONFIG = "heads.json"
ENCODER_DIR = "encoder"


_CHOICES = {
    option: get_args(StanceConfig.model_fields[field].annotation)
    for option, field in (("stance_design", "design"), ("stance_directions", "directions"), ("stance_head", "head"),
                          ("stance_inputs", "pair_inputs"))
}  # fmt: skip
"""The values of the model's string options (``heads.json``), read off the stance config's fields so that
the two cannot differ; any other is an error, not a silent default."""


class ActorStanceModel(nn.Module):
    """``forward`` returns a dict with ``loss`` (when labels are given), ``role_logits`` and ``stance_logits``
    (and ``given_role_logits`` once `given_roles` has fitted the head for given mentions)."""

    def __init__(
        self, encoder: nn.Module, num_tags: int | None, num_stance_classes: int | None, dropout: float = 0.1,
        stance_design: str = "pair_contexts", num_actor_outputs: int | None = None, num_actor_main: int = 0,
        stance_directions: str = "ordered", stance_head: str = "linear", stance_inputs: str = "cls_markers",
    ):  # fmt: skip
        super().__init__()
        if not num_tags and not num_stance_classes and not num_actor_outputs:
            raise ValueError("a model needs at least one head (roles and/or stance)")
        self.encoder = encoder
        hidden = encoder.config.hidden_size
        self.num_tags = num_tags
        self.num_stance_classes = num_stance_classes
        self.stance_design = stance_design
        self.stance_directions = stance_directions
        self.stance_head_kind = stance_head
        self.stance_inputs = stance_inputs
        for name, value in (("stance_design", stance_design), ("stance_directions", stance_directions),
                            ("stance_head", stance_head), ("stance_inputs", stance_inputs)):  # fmt: skip
            if value not in _CHOICES[name]:
                raise ValueError(f"{name}: expected {' or '.join(map(repr, _CHOICES[name]))}, got {value!r}")
        self.dropout = nn.Dropout(dropout)
        self.stance_class_weights: torch.Tensor | None = None  # training only: set by the trainer, never saved
        self.stance_label_smoothing = 0.0  # training only, as the weights
        self.stance_loss_weight = 1.0  # training only: the stance loss's share of the summed loss
        self.role_head = nn.Linear(hidden, num_tags) if num_tags else None
        # The tagger head re-fitted for the roles of given mentions (`given_roles`), set after training.
        self.given_role_head: nn.Linear | None = None
        if not num_stance_classes:
            self.stance_head = None
        elif stance_design == "windows":
            # [CLS] ; holder ; target ; holder * target (actors pooled over their marked mentions) -> stance class
            self.stance_head = nn.Sequential(
                nn.Linear(4 * hidden, hidden), nn.GELU(), nn.Dropout(dropout), nn.Linear(hidden, num_stance_classes)
            )
        else:
            # [CLS] ; holder marker ; target marker (markers: without [CLS])  ->  stance class (joint: of each
            # direction); mlp: through one hidden layer
            outputs = num_stance_classes * (2 if stance_directions == "joint" else 1)
            width = (3 if stance_inputs == "cls_markers" else 2) * hidden
            self.stance_head = (
                nn.Sequential(nn.Linear(width, hidden), nn.GELU(), nn.Dropout(dropout), nn.Linear(hidden, outputs))
                if stance_head == "mlp"
                else nn.Linear(width, outputs)
            )
        # actor ; article ; actor * article (actor: mean of its marked mentions over the article's windows,
        # article: mean token state of its windows) -> the outputs of `actor_roles.RoleLayout`
        self.num_actor_outputs = num_actor_outputs
        self.num_actor_main = num_actor_main  # the first outputs are a softmax; the rest (fine roles) sigmoids
        self.actor_role_head = (
            nn.Sequential(nn.Linear(3 * hidden, hidden), nn.GELU(), nn.Dropout(dropout), nn.Linear(hidden, num_actor_outputs))
            if num_actor_outputs
            else None
        )
        self.actor_main_weights: torch.Tensor | None = None
        self.actor_fine_weights: torch.Tensor | None = None

    @classmethod
    def from_encoder(
        cls, name_or_path: str, num_tags: int | None, num_stance_classes: int | None, dropout: float = 0.1,
        stance_design: str = "pair_contexts", num_actor_outputs: int | None = None, num_actor_main: int = 0,
        stance_directions: str = "ordered", stance_head: str = "linear", stance_inputs: str = "cls_markers",
    ) -> ActorStanceModel:  # fmt: skip
        return cls(
            AutoModel.from_pretrained(name_or_path), num_tags, num_stance_classes, dropout, stance_design, num_actor_outputs,
            num_actor_main, stance_directions, stance_head, stance_inputs,
        )  # fmt: skip

    def set_actor_class_weights(self, main: list[float] | None, fine: list[float] | None) -> None:
        """Loss weights of the actor head (``roles.class_weights: balanced``); training only, never saved."""
        self.actor_main_weights = torch.tensor(main, dtype=torch.float) if main is not None else None
        self.actor_fine_weights = torch.tensor(fine, dtype=torch.float) if fine is not None else None

    @property
    def config(self):
        """The encoder's config (the HF Trainer reads a few fields from ``model.config``)."""
        return self.encoder.config

    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        labels: torch.Tensor | None = None,
        stance_labels: torch.Tensor | None = None,
        holder_index: torch.Tensor | None = None,
        target_index: torch.Tensor | None = None,
        mention_tokens: torch.Tensor | None = None,
        mention_actors: torch.Tensor | None = None,
        pair_holders: torch.Tensor | None = None,
        pair_targets: torch.Tensor | None = None,
        actor_window_ids: torch.Tensor | None = None,
        actor_window_mask: torch.Tensor | None = None,
        actor_mention_windows: torch.Tensor | None = None,
        actor_mention_tokens: torch.Tensor | None = None,
        actor_mention_actors: torch.Tensor | None = None,
        actor_role_targets: torch.Tensor | None = None,
    ) -> dict[str, torch.Tensor]:
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        hidden = self.dropout(hidden)
        outputs: dict[str, torch.Tensor] = {}
        losses = []
        if self.role_head is not None:
            outputs["role_logits"] = self.role_head(hidden)
            if labels is not None and (labels != -100).any():
                losses.append(
                    nn.functional.cross_entropy(outputs["role_logits"].flatten(0, 1), labels.flatten(), ignore_index=-100)
                )
        if self.given_role_head is not None:  # fitted apart (`given_roles`): no loss here
            outputs["given_role_logits"] = self.given_role_head(hidden)
        if self.stance_head is not None and pair_holders is not None:
            outputs["stance_logits"] = self.stance_head(self._window_pairs(hidden, mention_tokens, mention_actors, pair_holders, pair_targets))
            if stance_labels is not None and (stance_labels != -100).any():
                losses.append(self._stance_loss(outputs["stance_logits"].flatten(0, 1), stance_labels.flatten()))
        elif self.stance_head is not None and holder_index is not None and target_index is not None:
            rows = torch.arange(hidden.size(0), device=hidden.device)
            markers = [hidden[rows, holder_index], hidden[rows, target_index]]
            pair = torch.cat(markers if self.stance_inputs == "markers" else [hidden[:, 0], *markers], dim=-1)
            logits = self.stance_head(pair)
            if self.stance_directions == "joint":
                logits = logits.view(-1, 2, self.num_stance_classes)
            outputs["stance_logits"] = logits
            if stance_labels is not None and (stance_labels != -100).any():
                losses.append(self._stance_loss(logits.reshape(-1, self.num_stance_classes), stance_labels.reshape(-1)))
        if self.actor_role_head is not None and actor_role_targets is not None:
            features = self._actor_features(
                actor_window_ids, actor_window_mask, actor_mention_windows, actor_mention_tokens, actor_mention_actors,
                actor_role_targets.size(1), hidden,
            )  # fmt: skip
            outputs["actor_role_logits"] = self.actor_role_head(features)
            if (actor_role_targets != -100).any():
                losses.append(self._actor_loss(outputs["actor_role_logits"], actor_role_targets))
        if losses:
            outputs["loss"] = torch.stack(losses).sum()
        elif labels is not None or stance_labels is not None:
            # Keep the graph connected so every process of a distributed run takes part in backward.
            outputs["loss"] = hidden.sum() * 0.0
        return outputs

    def _stance_loss(self, logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        weights = None if self.stance_class_weights is None else self.stance_class_weights.to(logits)
        loss = nn.functional.cross_entropy(logits, labels, weight=weights, ignore_index=-100, label_smoothing=self.stance_label_smoothing)
        return loss * self.stance_loss_weight

    def load_shared_weights(self, source: ActorStanceModel, tag_rows: dict[int, int], stance_rows: dict[int, int]) -> None:
        """Start from a trained ``source``: its encoder, and of each head the output rows given as own
        index -> source index (the labels both label sets share by name); a head's hidden layers are
        copied where their shapes match. Rows of labels the source never had keep their fresh init."""
        for field in ("vocab_size", "hidden_size"):
            theirs, mine = getattr(source.encoder.config, field), getattr(self.encoder.config, field)
            if theirs != mine:
                raise ValueError(f"model.init_from: its encoder has {field} {theirs}, model.name's {mine}; start from a run of the same encoder")
        self.encoder.load_state_dict(source.encoder.state_dict())
        for own, theirs, rows in ((self.role_head, source.role_head, tag_rows), (self.stance_head, source.stance_head, stance_rows)):
            if own is None or theirs is None:
                continue
            own_layers = list(own) if isinstance(own, nn.Sequential) else [own]
            their_layers = list(theirs) if isinstance(theirs, nn.Sequential) else [theirs]
            if len(own_layers) != len(their_layers) or own_layers[-1].in_features != their_layers[-1].in_features:
                continue  # another stance design: only the encoder carries over
            if own is self.stance_head and self.stance_directions != source.stance_directions:
                continue  # one output block per direction against one in all: only the encoder carries over
            with torch.no_grad():
                for mine, other in zip(own_layers[:-1], their_layers[:-1]):
                    mine.load_state_dict(other.state_dict())
                for row, source_row in rows.items():
                    own_layers[-1].weight[row] = their_layers[-1].weight[source_row]
                    own_layers[-1].bias[row] = their_layers[-1].bias[source_row]

    @staticmethod
    def _window_pairs(hidden, mention_tokens, mention_actors, pair_holders, pair_targets) -> torch.Tensor:
        """``(batch, pairs, 4 x hidden)``: per pair [CLS; holder; target; holder * target], each actor the
        logsumexp of its mentions' opening-marker states in the window (padding: actor -1)."""
        size = hidden.size(-1)
        mentions = hidden.gather(1, mention_tokens.clamp(min=0).unsqueeze(-1).expand(-1, -1, size))
        count = max(int(mention_actors.max().item()) + 1, 1)
        member = mention_actors.unsqueeze(1) == torch.arange(count, device=hidden.device)[None, :, None]  # (B, A, M)
        stacked = mentions.unsqueeze(1).expand(-1, count, -1, -1).masked_fill(~member.unsqueeze(-1), -1e4)
        actors = torch.logsumexp(stacked, dim=2)  # (B, A, H)
        holder = actors.gather(1, pair_holders.clamp(min=0).unsqueeze(-1).expand(-1, -1, size))
        target = actors.gather(1, pair_targets.clamp(min=0).unsqueeze(-1).expand(-1, -1, size))
        context = hidden[:, :1].expand_as(holder)
        return torch.cat([context, holder, target, holder * target], dim=-1)

    def _actor_features(self, window_ids, window_mask, mention_windows, mention_tokens, mention_actors, count, reference):
        """``(batch, actors, 3 x hidden)``: per actor [actor; article; actor * article], the actor the mean
        of its mentions' opening-marker states, the article the mean token state of its windows.
        Padding: an all-pad window (mask 0), a mention of actor -1."""
        batch, windows, length = window_ids.shape
        size = reference.size(-1)
        flat_ids, flat_mask = window_ids.reshape(-1, length), window_mask.reshape(-1, length)
        used = flat_mask[:, 0] > 0
        states = reference.new_zeros((batch * windows, length, size))
        if used.any():
            states[used] = self.encoder(input_ids=flat_ids[used], attention_mask=flat_mask[used]).last_hidden_state
        states = self.dropout(states).reshape(batch, windows, length, size)
        rows = torch.arange(batch, device=states.device)[:, None]
        mentions = states[rows, mention_windows.clamp(min=0), mention_tokens.clamp(min=0)]  # (B, M, H)
        member = (mention_actors[:, None, :] == torch.arange(count, device=states.device)[None, :, None]).to(states.dtype)
        actors = member @ mentions / member.sum(-1, keepdim=True).clamp(min=1)  # (B, A, H)
        mask = window_mask.reshape(batch, windows * length, 1).to(states.dtype)
        article = (states.reshape(batch, windows * length, size) * mask).sum(1) / mask.sum(1).clamp(min=1)  # (B, H)
        article = article[:, None, :].expand_as(actors)
        return torch.cat([actors, article, actors * article], dim=-1)

    def _actor_loss(self, logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        """Cross-entropy over the main outputs (the flat roles), plus binary cross-entropy per fine role
        when the layout is hierarchical; actors whose targets are -100 are left out."""
        keep = targets[..., 0] != -100
        logits, targets = logits[keep].float(), targets[keep]
        main = self.num_actor_main or logits.size(-1)
        weights = self.actor_main_weights.to(logits.device) if self.actor_main_weights is not None else None
        loss = nn.functional.cross_entropy(logits[:, :main], targets[:, :main].argmax(-1), weight=weights)
        if main < logits.size(-1):
            positive = self.actor_fine_weights.to(logits.device) if self.actor_fine_weights is not None else None
            loss = loss + nn.functional.binary_cross_entropy_with_logits(logits[:, main:], targets[:, main:].float(), pos_weight=positive)
        return loss

    def _heads(self) -> dict[str, nn.Module | None]:
        return {"role_head": self.role_head, "stance_head": self.stance_head, "actor_role_head": self.actor_role_head,
                "given_role_head": self.given_role_head}  # fmt: skip

    def save_pretrained(self, directory: str | Path) -> None:
        directory = Path(directory)
        self.encoder.save_pretrained(directory / ENCODER_DIR)
        self.save_heads(directory)

    def save_heads(self, directory: str | Path) -> None:
        """Write the heads' weights and their config, each file atomically (the encoder is left as it is)."""
        from .atomic import atomic_write_text

        directory = Path(directory)
        heads = {f"{name}.{k}": v for name, head in self._heads().items() if head is not None for k, v in head.state_dict().items()}
        staged = directory / f".{HEADS_FILE}.tmp"
        save_file({k: v.contiguous() for k, v in heads.items()}, staged)
        staged.replace(directory / HEADS_FILE)
        head_config = {
            "num_tags": self.num_tags, "num_stance_classes": self.num_stance_classes, "stance_design": self.stance_design,
            "num_actor_outputs": self.num_actor_outputs, "num_actor_main": self.num_actor_main,
            "stance_directions": self.stance_directions, "stance_head": self.stance_head_kind,
            "stance_inputs": self.stance_inputs, "given_role_head": self.given_role_head is not None,
        }  # fmt: skip
        atomic_write_text(directory / HEADS_CONFIG, json.dumps(head_config, indent=2))

    @classmethod
    def from_pretrained(cls, directory: str | Path) -> ActorStanceModel:
        directory = Path(directory)
        head_config = json.loads((directory / HEADS_CONFIG).read_text(encoding="utf-8"))
        encoder_config = AutoConfig.from_pretrained(directory / ENCODER_DIR)
        encoder = AutoModel.from_pretrained(directory / ENCODER_DIR, config=encoder_config)
        try:
            model = cls(
                encoder, head_config["num_tags"], head_config["num_stance_classes"],
                stance_design=head_config.get("stance_design", "pair_contexts"),
                num_actor_outputs=head_config.get("num_actor_outputs"), num_actor_main=head_config.get("num_actor_main", 0),
                stance_directions=head_config.get("stance_directions", "ordered"), stance_head=head_config.get("stance_head", "linear"),
                stance_inputs=head_config.get("stance_inputs", "cls_markers"),
            )  # fmt: skip
        except ValueError as error:
            raise ValueError(f"{directory / HEADS_CONFIG}: {error}") from None
        if head_config.get("given_role_head") and model.role_head is not None:
            model.given_role_head = nn.Linear(model.role_head.in_features, model.role_head.out_features)
        state = load_file(directory / HEADS_FILE)
        for name, head in model._heads().items():
            if head is not None:
                head.load_state_dict({k.split(".", 1)[1]: v for k, v in state.items() if k.startswith(name + ".")})
        return model.eval()

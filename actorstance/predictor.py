"""`Predictor`: role tagging, actor grouping and stance classification behind one ``predict``.

Results are `Article` records (the corpus schema plus confidences), so a prediction can be scored
with ``python -m eval score``, converted for an annotation tool, or served as JSON unchanged.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import torch
from safetensors import SafetensorError
from transformers import AutoTokenizer

from .aliases import normalize_surface, unique_actor_id
from .backends import check_backend, prepare_backend
from .config import RunConfig, load_config
from .dataset import PadCollator, encode_contexts, encode_sentences, stance_contexts
from .labels import NONE_LABEL, LabelSchema, merged_spans
from .machine import best_device
from .modeling import ActorStanceModel
from .run import RunDirError, check_run_dir, model_dirs
from .schema import Actor, Article, Mention, Span, Stance
from .text import text_problem, trim_span

__all__ = ["Predictor"]


@dataclass
class _Word:
    start: int
    end: int
    probabilities: np.ndarray  # over the BIO tags, from the word's first sub-token
    tag: int  # argmax of probabilities (computed once per window, vectorised)
    confidence: float  # max of probabilities


def _equal_length_batches(order: list[int], lengths: list[int], budget: int) -> list[list[int]]:
    """Rows (sorted by length) in batches of one length each, at most ``budget`` tokens a batch.

    No padding at all: on CPU the forward is compute bound, and the padded positions of mixed-length
    batches cost 7 % of the tokens but 13 % of the time on the bundled corpus (benchmarks/README.md).
    The budget is ``batch_size x max_length``, the size of a batch of full windows, so short
    sentences share one larger batch (fewer, larger matrix products, the same peak memory).
    """
    batches: list[list[int]] = []
    current: list[int] = []
    for index in order:
        length = max(lengths[index], 1)
        if current and (lengths[current[0]] != lengths[index] or (len(current) + 1) * length > budget):
            batches.append(current)
            current = []
        current.append(index)
    if current:
        batches.append(current)
    return batches


class Predictor:
    """Load with `from_pretrained(run_dir)`; call `predict(text)` or `predict([texts])`."""

    def __init__(
        self,
        config: RunConfig,
        labels: LabelSchema,
        models: dict[str, ActorStanceModel],
        tokenizer,
        aliases: dict[str, str],
        device: torch.device,
        none_odds_correction: float = 1.0,
        backend: str = "torch",
    ):
        self.config = config
        self.none_odds_correction = none_odds_correction
        self.labels = labels
        self.models = models
        self.tokenizer = tokenizer
        self.aliases = aliases
        self.device = device
        self._collate = PadCollator(tokenizer.pad_token_id)
        self._role_options = config.roles.options()
        self._stance_options = config.stance.options()
        self.backend = backend  # the name only: ``models`` already run on it (see `prepare_backend`)

    @property
    def tasks(self) -> tuple[str, ...]:
        """What this run predicts ("roles", "stance"); given mentions keep their roles without "roles"."""
        return tuple(self.models)

    # ------------------------------------------------------------------ loading

    @classmethod
    def from_pretrained(
        cls, run_dir: str | Path, device: str | torch.device | None = None, backend: str = "torch"
    ) -> Predictor:
        """Load a run directory written by ``python -m train``; errors name the missing or corrupt file.

        ``backend`` runs the network with ``"torch"`` (default), ``"compile"`` (``torch.compile``),
        ``"onnx"`` (ONNX Runtime; results agree up to float rounding) or ``"onnx-int8"`` (int8
        weights: faster, but some predictions change); see `actorstance.backends`.
        """
        import json

        check_backend(backend)
        run_dir = check_run_dir(run_dir)
        try:
            config = load_config(run_dir / "config.yaml")
            labels = LabelSchema.load(run_dir / "labels.yaml")
        except ValueError as error:
            raise RunDirError(f"{run_dir}: {error}") from None
        aliases = json.loads((run_dir / "aliases.json").read_text(encoding="utf-8"))
        target = best_device(device)
        models: dict[str, ActorStanceModel] = {}
        loaded: dict[Path, ActorStanceModel] = {}
        for task, directory in model_dirs(run_dir, list(config.tasks), config.model.architecture).items():
            if directory not in loaded:
                try:
                    loaded[directory] = ActorStanceModel.from_pretrained(directory).to(target)
                except (OSError, ValueError, KeyError, RuntimeError, SafetensorError) as error:
                    raise RunDirError(f"{directory}: cannot load model ({type(error).__name__}: {error})") from None
            models[task] = loaded[directory]
        first_model_dir = next(iter(loaded))
        try:
            tokenizer = AutoTokenizer.from_pretrained(first_model_dir)
        except (OSError, ValueError) as error:
            raise RunDirError(f"{first_model_dir}: cannot load tokenizer ({error})") from None
        prior = json.loads((run_dir / "metrics.json").read_text(encoding="utf-8")).get("stance_none_per_positive") or {}
        correction = prior["natural"] / prior["trained"] if prior.get("trained") and prior.get("natural") else 1.0
        return cls(config, labels, prepare_backend(models, backend, target), tokenizer, aliases, target, correction, backend)

    # ------------------------------------------------------------------ public API

    def predict(
        self,
        texts: str | Sequence[str],
        *,
        mentions: Sequence[Mention | dict] | Sequence[Sequence[Mention | dict]] | None = None,
        batch_size: int = 32,
        min_score: float | None = None,
    ) -> Article | list[Article]:
        """Mentions with roles, actors and stances for one text (returns an `Article`) or a list (a list).

        ``mentions`` gives the spans to classify instead of tagging them (one list per text): each a
        `Mention` or ``{"start", "end"[, "actor"]}``; mentions with the same ``actor`` form one actor.
        ``min_score`` (0-1) overrides the run's stance decision threshold: a stance edge is kept only
        when its score reaches it.
        """
        single = isinstance(texts, str)
        batch = [texts] if single else list(texts)
        for index, text in enumerate(batch):
            if not isinstance(text, str):
                raise TypeError(f"text {index}: expected str, got {type(text).__name__}")
            if problem := text_problem(text):
                raise ValueError(f"text {index}: {problem}")
        given = None
        if mentions is not None:
            given = [mentions] if single else list(mentions)
            if len(given) != len(batch):
                raise ValueError(f"mentions: got {len(given)} lists for {len(batch)} texts")
        articles = [
            Article(id=f"doc-{index}", text=text, mentions=self._given_mentions(text, given[index]) if given else [])
            for index, text in enumerate(batch)
        ]
        if given:
            for article in articles:
                article.actors = [Actor(id=actor_id, name=actor_id) for actor_id in dict.fromkeys(m.actor for m in article.mentions)]
        results = self.predict_articles(articles, gold_mentions=given is not None, batch_size=batch_size, min_score=min_score)
        return results[0] if single else results

    def predict_articles(
        self,
        articles: Sequence[Article],
        *,
        gold_mentions: bool = False,
        batch_size: int = 32,
        min_score: float | None = None,
    ) -> list[Article]:
        """Predict for whole articles (ids kept). With ``gold_mentions`` the articles' own mentions and
        actor grouping are kept and only roles and stances are predicted. ``min_score``: see `predict`."""
        if min_score is not None and not (isinstance(min_score, (int, float)) and 0.0 <= min_score <= 1.0):
            raise ValueError(f"min_score: expected a number from 0 to 1, got {min_score!r}")
        if len({article.id for article in articles}) != len(articles):
            raise ValueError("predict_articles: article ids must be unique")
        texts = [article.text for article in articles]
        words = self._tag_words(texts, batch_size) if "roles" in self.models else [[] for _ in texts]
        results = []
        for article, document_words in zip(articles, words):
            if gold_mentions:
                mentions = [m.model_copy(update={"score": None}) for m in article.mentions]
                actors = self._roles_for_given(article, document_words)
            else:
                mentions, actors = self._group(article.text, self._decode(article.text, document_words))
            results.append(Article(id=article.id, text=article.text, actors=actors, mentions=mentions, meta=article.meta))
        if "stance" in self.models:
            self._add_stances(results, batch_size)
            if min_score is not None:
                for article in results:
                    article.stances = [s for s in article.stances if (s.score or 0.0) >= min_score]
        return results

    # ------------------------------------------------------------------ roles

    @torch.inference_mode()
    def _forward(self, task: str, rows: list[dict], batch_size: int) -> list[np.ndarray]:
        """Softmax outputs of one head for every row, batched by similar length (less padding)."""
        model = self.models[task]
        key = "role_logits" if task == "roles" else "stance_logits"
        order = sorted(range(len(rows)), key=lambda i: len(rows[i]["input_ids"]))
        outputs: list[np.ndarray | None] = [None] * len(rows)
        max_length = self._role_options.max_length if task == "roles" else self._stance_options.max_length
        for chunk in _equal_length_batches(order, [len(row["input_ids"]) for row in rows], batch_size * max_length):
            batch = self._collate([rows[i] for i in chunk])
            batch = {name: tensor.to(self.device) for name, tensor in batch.items()}
            probabilities = model(**batch)[key].float().softmax(-1).cpu().numpy()
            for position, row in enumerate(chunk):
                outputs[row] = probabilities[position][: len(rows[row]["input_ids"])] if task == "roles" else probabilities[position]
        return outputs  # type: ignore[return-value]

    def _tag_words(self, texts: list[str], batch_size: int) -> list[list[_Word]]:
        """Per text, its words (first sub-token) with tag probabilities; overlapping windows keep the surer one."""
        ids = [str(index) for index in range(len(texts))]
        windows = encode_sentences(self.tokenizer, texts, ids, self._role_options)
        rows = [{"input_ids": window.input_ids} for window in windows]
        probabilities = self._forward("roles", rows, batch_size) if rows else []
        best: list[dict[int, _Word]] = [{} for _ in texts]
        for window, window_probabilities in zip(windows, probabilities):
            document = best[int(window.article_id)]
            current: _Word | None = None
            previous_word = -1
            # One argmax / max per window instead of one numpy call per word (the loop below is per token).
            tags, maxima = window_probabilities.argmax(-1).tolist(), window_probabilities.max(-1).tolist()
            for (start, end), word, token_probabilities, tag, confidence in zip(
                window.offsets, window.word_ids, window_probabilities, tags, maxima
            ):
                if word == -1 or start == end:
                    previous_word = -1
                    continue
                if word == previous_word and current is not None:
                    current.end = end
                    continue
                current = _Word(start, end, token_probabilities, tag, confidence)
                previous_word = word
                known = document.get(start)
                if known is None or confidence > known.confidence:
                    document[start] = current
        return [[words[start] for start in sorted(words)] for words in best]

    def _decode(self, text: str, words: list[_Word]) -> list[tuple[int, int, str, float]]:
        tags = self.labels.bio_labels
        predicted = [tags[word.tag] for word in words]
        spans = []
        for first, last, role in merged_spans(predicted, [word.confidence for word in words]):
            start, end = words[first].start, words[last - 1].end
            confidence = float(np.mean(np.asarray([words[i].confidence for i in range(first, last)], dtype=np.float32)))
            start, end = trim_span(text, start, end)
            if end > start:
                spans.append((start, end, role, confidence))
        return spans

    def _role_scores(self, words: list[_Word], start: int, end: int) -> np.ndarray:
        """Per role, the mean probability (B + I) over the words inside ``[start, end)``."""
        inside = [word.probabilities for word in words if start <= word.start < end]
        roles = self.labels.roles
        if not inside:
            return np.full(len(roles), 1.0 / len(roles))
        mean = np.mean(inside, axis=0)
        tags = self.labels.bio_labels
        return np.array([mean[tags.index(f"B-{r}")] + mean[tags.index(f"I-{r}")] for r in roles])

    FINE_ROLE_RATIO = 0.5
    """With ``role_groups``: a further fine role of the chosen main role is added to ``other_roles``
    when its probability is at least this share of the best fine role's probability."""

    @cached_property
    def _role_group_positions(self) -> list[list[int]]:
        """``labels.role_groups`` as lists of indices into ``labels.roles``; an ungrouped role is a group alone."""
        roles = self.labels.roles
        index = {role: position for position, role in enumerate(roles)}
        groups = [[index[role] for role in fine if role in index] for fine in self.labels.role_groups.values()]
        grouped = {position for group in groups for position in group}
        groups += [[position] for position in range(len(roles)) if position not in grouped]
        return [group for group in groups if group]

    def _grouped_roles(self, share: np.ndarray) -> tuple[int, list[int]]:
        """Best fine role and further fine roles (indices into ``labels.roles``), all of one main role.

        The main role is the group whose fine roles have the largest summed probability (a role in
        no group is a group of its own); inside it the most probable fine role is the role, and the
        others at ``FINE_ROLE_RATIO`` x its probability or more follow, most probable first.
        """
        group = max(self._role_group_positions, key=lambda g: float(share[g].sum()))  # ties: schema order
        ranked = sorted(group, key=lambda position: (-share[position], position))
        best = ranked[0]
        return best, [p for p in ranked[1:] if share[p] > 0 and share[p] >= self.FINE_ROLE_RATIO * share[best]]

    def _roles_for_given(self, article: Article, words: list[_Word]) -> list[Actor]:
        """Predicted roles; without a role head the actors' own, which `predict` leaves unset (no role is
        invented, so a stance-only run never returns one as if predicted)."""
        known = article.actor_by_id()
        if "roles" not in self.models:
            return [actor.model_copy() for actor in article.actors]
        totals: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(len(self.labels.roles)))
        for mention in article.mentions:
            totals[mention.actor] += self._role_scores(words, mention.start, mention.end)
        actors = []
        for actor_id, scores in totals.items():
            share = scores / scores.sum()
            name = known[actor_id].name if actor_id in known else actor_id
            if self.labels.role_groups:
                best, further = self._grouped_roles(share)
                other_roles = [self.labels.roles[position] for position in further] or None
            else:
                best, other_roles = int(share.argmax()), None
            actors.append(
                Actor(
                    id=actor_id, name=name, role=self.labels.roles[best], other_roles=other_roles,
                    score=round(float(share[best]), 4),
                )  # fmt: skip
            )
        return actors

    def _given_mentions(self, text: str, given: Sequence[Mention | dict]) -> list[Mention]:
        mentions = []
        for index, item in enumerate(given):
            data = item.to_dict() if isinstance(item, Mention) else dict(item)
            start, end = data.get("start"), data.get("end")
            if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end <= len(text):
                raise ValueError(f"mentions[{index}]: span [{start}, {end}) is empty or outside the text (length {len(text)})")
            mentions.append(Mention(start=start, end=end, text=text[start:end], actor=str(data.get("actor") or f"M{index + 1}")))
        return mentions

    def _group(self, text: str, spans: list[tuple[int, int, str, float]]) -> tuple[list[Mention], list[Actor]]:
        """Mentions sharing a canonical name (alias table, else normalised surface) form one actor."""
        groups: dict[str, list[tuple[int, int, str, float]]] = defaultdict(list)
        names: dict[str, str] = {}
        for span in spans:
            surface = text[span[0] : span[1]]
            key = normalize_surface(surface)
            canonical = self.aliases.get(key)
            group_key = normalize_surface(canonical) if canonical else key
            groups[group_key].append(span)
            names.setdefault(group_key, canonical or re.sub(r"^(?i:the)\s+", "", surface))
        taken: set[str] = set()
        mentions, actors = [], []
        for group_key, members in groups.items():
            actor_id = unique_actor_id(names[group_key], taken)
            weights: dict[str, float] = defaultdict(float)
            for start, end, role, confidence in members:
                weights[role] += confidence
                mentions.append(Mention(start=start, end=end, text=text[start:end], actor=actor_id, score=round(confidence, 4)))
            role = max(weights, key=weights.get)
            actors.append(
                Actor(id=actor_id, name=names[group_key], role=role, score=round(weights[role] / len(members), 4))
            )
        mentions.sort(key=lambda m: m.start)
        return mentions, actors

    # ------------------------------------------------------------------ stances

    def _add_stances(self, articles: list[Article], batch_size: int) -> None:
        """For each ordered actor pair, the most confident non-NONE context decides label and evidence."""
        contexts = [context for article in articles for context in stance_contexts(article, self._stance_options)]
        if not contexts:
            return
        texts = {article.id: article.text for article in articles}
        encoded = encode_contexts(self.tokenizer, texts, contexts, self._stance_options)
        rows = [
            {"input_ids": ids, "holder_index": holder, "target_index": target}
            for ids, holder, target in zip(encoded["input_ids"], encoded["holder_index"], encoded["target_index"])
        ]
        probabilities = self._forward("stance", rows, batch_size)
        if self.none_odds_correction != 1.0:  # undo the NONE subsampling of training (prior shift)
            probabilities = [p * np.where(np.arange(len(p)) == 0, self.none_odds_correction, 1.0) for p in probabilities]
            probabilities = [p / p.sum() for p in probabilities]
        classes = self.labels.stance_classes
        best: dict[tuple[str, str, str], tuple[float, str, int, int]] = {}
        for context, distribution in zip(contexts, probabilities):
            label = classes[int(distribution.argmax())]
            if label == NONE_LABEL:
                continue
            key = (context.article_id, context.holder, context.target)
            confidence = float(distribution.max())
            if key not in best or confidence > best[key][0]:
                best[key] = (confidence, label, context.start, context.end)
        for article in articles:
            article.stances = [
                Stance(holder=holder, target=target, label=label, evidence=[Span(start=start, end=end)], score=round(score, 4))
                for (article_id, holder, target), (score, label, start, end) in sorted(best.items())
                if article_id == article.id
            ]

"""`Predictor`: role tagging, actor grouping and stance classification behind one ``predict``.

Results are `Article` records (the corpus schema plus confidences), so a prediction can be scored
with ``python -m eval score``, converted for an annotation tool, or served as JSON unchanged.
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, partial, wraps
from pathlib import Path

import numpy as np
import torch
from safetensors import SafetensorError
from transformers import AutoTokenizer

from .actor_dictionary import implied_role
from .actor_roles import RoleLayout, RoleThreshold, actor_inputs, actor_role_row
from .backends import check_backend, prepare_backend
from .config import RunConfig, check_predict_overrides, load_config
from .decision import DECISION_FILE, PairDecision, PairScore, decide, fit_decision, none_odds_correction, pool_contexts
from .dataset import (
    PadCollator,
    StanceContext,
    encode_contexts,
    encode_sentences,
    stance_contexts,
    stance_windows,
    window_row,
)
from .ensemble import AveragedModel, check_members_agree, ensemble_members
from .grouping import TaggedSpan, article_date, fit_mention_linker, resolve_actors, sponsor_key
from .labels import NONE_LABEL, LabelSchema, merged_spans
from .limits import MAX_STANCE_CANDIDATES_PER_ARTICLE, check_limit
from .linking import LINKER_FILE, MentionLinker
from .machine import best_device, release_freed_memory
from .modeling import ActorStanceModel
from .neutrality import LABELS_NEEDED, OPPOSE, declared_neutrality
from .sponsorship import SUPPORT, sponsorship_edges
from .role_prior import RolePrior, combine as combine_role_prior
from .run import RunDirError, check_model_files, check_run_dir, model_dirs
from .schema import AUTHOR, Actor, Article, Mention, Span, Stance
from .span_edges import (
    described_name_start, join_hyphenated, join_population_places, name_end, name_start, place_end, split_at_bracket, trim_edge_words,
    trim_span,
)  # fmt: skip
from .text import has_content_word, headline_spans, inside_any, sentence_spans, text_problem, web_token_spans
from .titles import title_start

__all__ = ["Predictor", "pool_role_scores"]


@dataclass
class _Word:
    start: int
    end: int
    probabilities: np.ndarray  # over the BIO tags, from the word's first sub-token
    tag: int  # argmax of probabilities (computed once per window, vectorised)
    confidence: float  # max of probabilities


def _inference(method):
    """``torch.inference_mode`` with oneDNN off. Batches of one length each come in hundreds of shapes, and
    oneDNN caches kernels and their buffers per shape: the RSS of a 1 MB article's stance pass grew past
    2 GB with it, and stays flat without it, at the same speed and the same outputs to 1e-5
    (benchmarks/README.md, "One 1 MB article")."""

    @wraps(method)
    def run(*args, **kwargs):
        onednn = torch.backends.mkldnn.enabled  # set and restored alone: mkldnn.flags() also sets TF32 and warns
        torch.backends.mkldnn.enabled = False
        try:
            with torch.inference_mode():
                return method(*args, **kwargs)
        finally:
            torch.backends.mkldnn.enabled = onednn

    return run


ROLE_SCORE_FLOOR = 1e-3
"""In a geometric vote, a mention's probability for a role counts as at least this, so one mention
that rules a role out does not veto it against all the others."""


def pool_role_scores(scores: Sequence[np.ndarray], vote: str = "geometric") -> np.ndarray:
    """One distribution over the roles from the role scores of an actor's mentions: ``mean``, their
    sum, normalised (a mention weighs as much as it is tagged at all); ``geometric``, the normalised
    product of each mention's normalised scores, each floored at `ROLE_SCORE_FLOOR`. One mention:
    its own scores, normalised, either way."""
    if vote not in ("geometric", "mean"):
        raise ValueError(f"roles.vote: expected 'geometric' or 'mean', got {vote!r}")
    scores = np.asarray(scores, dtype=float)
    if vote == "mean" or len(scores) == 1:
        pooled = scores.sum(axis=0)
    else:
        shares = scores / scores.sum(axis=1, keepdims=True)
        pooled = np.exp(np.log(np.maximum(shares, ROLE_SCORE_FLOOR)).mean(axis=0))
    return pooled / pooled.sum()


def _check_min_score(min_score: float | None) -> None:
    if min_score is not None and not (isinstance(min_score, (int, float)) and 0.0 <= min_score <= 1.0):
        raise ValueError(f"min_score: expected a number from 0 to 1, got {min_score!r}")


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


def _checked_inputs(
    texts: object, mentions: object, batch_size: object
) -> tuple[bool, list[str], list[Sequence[Mention | dict]] | None]:
    """``predict``'s arguments as (one text?, texts, mention lists), or an error saying what was expected and what came."""
    if texts is None or isinstance(texts, (bytes, bytearray)) or not isinstance(texts, (str, Iterable)):
        hint = " (decode it first, e.g. data.decode('utf-8'))" if isinstance(texts, (bytes, bytearray)) else ""
        raise TypeError(f"texts: expected a string or a list of strings, got {type(texts).__name__}{hint}")
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size: expected a positive integer, got {batch_size!r}")
    single = isinstance(texts, str)
    batch = [texts] if single else list(texts)  # type: ignore[list-item]
    for index, text in enumerate(batch):
        if not isinstance(text, str):
            raise TypeError(f"text {index}: expected str, got {type(text).__name__}")
        if problem := text_problem(text):
            raise ValueError(f"text {index}: {problem}")
    if mentions is None:
        return single, batch, None
    if isinstance(mentions, (str, bytes, dict, Mention)) or not isinstance(mentions, Iterable):
        raise TypeError(f"mentions: expected a list of mentions{'' if single else ' per text'}, got {type(mentions).__name__}")
    given = [list(mentions)] if single else list(mentions)
    if not single and any(isinstance(item, (Mention, dict)) for item in given):
        raise TypeError("mentions: with a list of texts, expected one list of mentions per text, got a flat list of mentions (wrap it: [[...], ...])")
    if len(given) != len(batch):
        raise ValueError(f"mentions: got {len(given)} lists for {len(batch)} texts")
    for text_index, items in enumerate(given):
        where = "mentions" if single else f"mentions[{text_index}]"
        if isinstance(items, (str, bytes, dict)) or not isinstance(items, Iterable):
            raise TypeError(f"{where}: expected a list of mentions, got {type(items).__name__}")
        given[text_index] = items = list(items)
        for index, item in enumerate(items):
            if not isinstance(item, (Mention, dict)):
                raise TypeError(f"{where}[{index}]: expected a Mention or a dict with 'start' and 'end', got {type(item).__name__}")
            for key in ("start", "end"):
                value = getattr(item, key) if isinstance(item, Mention) else item.get(key)
                if isinstance(value, bool) or not isinstance(value, int):
                    raise TypeError(f"{where}[{index}].{key}: expected an integer character offset, got {value!r}")
    return single, batch, given


def _load_models(run_dir: Path, config: RunConfig, labels: LabelSchema, target: torch.device) -> tuple[dict[str, ActorStanceModel], Path]:
    """Task -> model of a run directory (a model shared by two tasks is loaded once), and the first model's folder."""
    directories = model_dirs(run_dir, list(config.tasks), config.model.architecture)
    check_model_files(run_dir, labels, directories.values())
    loaded: dict[Path, ActorStanceModel] = {}
    for directory in directories.values():
        if directory not in loaded:
            try:
                loaded[directory] = ActorStanceModel.from_pretrained(directory).to(target)
            except (OSError, ValueError, KeyError, RuntimeError, SafetensorError) as error:
                raise RunDirError(f"{directory}: cannot load model ({type(error).__name__}: {error})") from None
    return {task: loaded[directory] for task, directory in directories.items()}, next(iter(loaded))


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
        decision: PairDecision | None = None,
        backend: str = "torch",
        legacy_none_correction: float = 1.0,
        role_threshold: RoleThreshold | None = None,
        linker: MentionLinker | None = None,
        role_prior: RolePrior | None = None,
    ):
        missing = [label for label in LABELS_NEEDED if label not in labels.stances]
        if config.stance.declared_neutrality and missing:
            raise ValueError(f"stance.declared_neutrality needs the stance labels {', '.join(LABELS_NEEDED)}; {labels.name} lacks {', '.join(missing)}")
        if config.stance.sponsorship_edges and SUPPORT not in labels.stances:
            raise ValueError(f"stance.sponsorship_edges needs the stance label {SUPPORT}; {labels.name} lacks it")
        self.config = config
        self.linker = linker  # None: nominals link by the nearest-before rule (`grouping`, step 5)
        self.role_prior = role_prior  # None: given mentions' roles are the token vote's alone (`role_prior`)
        self.role_decision = config.roles.decision  # "token_vote" or "actor"; an actor run can be asked for its tagger's vote
        self.role_vote = config.roles.vote  # how the token vote pools an actor's mentions (`pool_role_scores`)
        self.role_threshold = role_threshold or RoleThreshold()
        self.decision = decision
        self._legacy_none_correction = legacy_none_correction  # runs without decision.json kept it in metrics.json
        self.labels = labels
        self.models = models
        self.tokenizer = tokenizer
        self.aliases = aliases
        self.device = device
        self._collate = PadCollator(tokenizer.pad_token_id)
        self._role_options = config.roles.options()
        self._stance_options = config.stance.options()
        self.backend = backend  # the name only: ``models`` already run on it (see `prepare_backend`)
        # Most stance contexts classified for one article; more raise `limits.LimitExceeded`. Raise it
        # to predict very long articles (``actorstance predict --max-stance-candidates``).
        self.max_stance_candidates = MAX_STANCE_CANDIDATES_PER_ARTICLE

    @property
    def tasks(self) -> tuple[str, ...]:
        """What this run predicts ("roles", "stance"); given mentions keep their roles without "roles"."""
        return tuple(self.models)

    # ------------------------------------------------------------------ loading

    @classmethod
    def from_pretrained(
        cls, run_dir: str | Path, device: str | torch.device | None = None, backend: str = "torch", overrides: Sequence[str] = ()
    ) -> Predictor:
        """Load a run directory written by ``python -m train`` or ``actorstance ensemble`` (its members'
        distributions averaged, `actorstance.ensemble`); errors name the missing or corrupt file.

        ``backend`` runs the network with ``"torch"`` (default), ``"compile"`` (``torch.compile``),
        ``"onnx"`` (ONNX Runtime; results agree up to float rounding) or ``"onnx-int8"`` (int8
        weights: faster, but some predictions change); see `actorstance.backends`. ``overrides``
        (``"actors.link_threshold=0.1"``) change the run's prediction settings for this predictor
        (`config.predict_time_keys`), leaving its files as they are.
        """
        import json

        check_backend(backend)
        run_dir = check_run_dir(run_dir)
        try:
            check_predict_overrides(list(overrides))
            config = load_config(run_dir / "config.yaml", list(overrides))
            labels = LabelSchema.load(run_dir / "labels.yaml")
        except ValueError as error:
            raise RunDirError(f"{run_dir}: {error}") from None
        aliases = json.loads((run_dir / "aliases.json").read_text(encoding="utf-8"))
        target = best_device(device)
        try:
            members = ensemble_members(run_dir)
            if members:
                check_members_agree([run_dir, *map(check_run_dir, members)])
        except ValueError as error:
            raise RunDirError(str(error)) from None
        loaded = [_load_models(source, config, labels, target) for source in members or [run_dir]]
        runners = [prepare_backend(source_models, backend, target) for source_models, _ in loaded]
        models = {task: AveragedModel([source[task] for source in runners]) for task in config.tasks} if members else runners[0]
        first_model_dir = loaded[0][1]
        try:
            tokenizer = AutoTokenizer.from_pretrained(first_model_dir)
        except (OSError, ValueError) as error:
            raise RunDirError(f"{first_model_dir}: cannot load tokenizer ({error})") from None
        try:
            decision = PairDecision.load(run_dir)
            role_threshold = RoleThreshold.load(run_dir)
            linker = MentionLinker.load(run_dir)
            role_prior = RolePrior.load(run_dir)
            if role_prior is not None and role_prior.end_to_end_weight is not None and "roles" in config.tasks:
                role_prior.embedder()  # every prediction reads it: a missing encoder fails here, not in the first request
        except ValueError as error:
            raise RunDirError(str(error)) from None
        metrics = json.loads((run_dir / "metrics.json").read_text(encoding="utf-8"))  # valid JSON: check_run_dir read it
        legacy_correction = 1.0
        if decision is None and "stance" in config.tasks:
            warnings.warn(
                f"{run_dir}: no {DECISION_FILE} (a run from an older version): every pair with a context classified as a "
                "stance becomes an edge; fit one with `actorstance calibrate RUN`",
                stacklevel=2,
            )
            legacy_correction = none_odds_correction(metrics.get("stance_none_per_positive") or {})
        older_run = "linker" not in metrics  # a run trained since linkers were fitted says whether it has one
        if linker is None and older_run and config.actors.linker and config.actors.resolve_nominals and "roles" in config.tasks:
            warnings.warn(
                f"{run_dir}: no {LINKER_FILE} (a run from an older version): nominals join the nearest named actor "
                "of their role; fit one with `actorstance fit-linker RUN`",
                stacklevel=2,
            )
        return cls(
            config, labels, models, tokenizer, aliases, target, decision, backend, legacy_correction, role_threshold, linker,
            role_prior,
        )  # fmt: skip

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
        single, batch, given = _checked_inputs(texts, mentions, batch_size)
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
        _check_min_score(min_score)
        results = self.predict_actors(articles, gold_mentions=gold_mentions, batch_size=batch_size)
        if "stance" in self.models:
            self._add_stances(results, batch_size, min_score)
        return results

    def predict_stances(self, articles: Sequence[Article], *, batch_size: int = 32, min_score: float | None = None) -> list[Article]:
        """The stance graphs of articles whose mentions and actors are already decided (by another tool,
        or by another run's tagger): copies of ``articles`` with their mentions, actors and roles
        untouched and their stances replaced. ``min_score``: see `predict`."""
        if "stance" not in self.models:
            raise ValueError(f"this run has no stance model (its tasks: {', '.join(self.tasks)}); train one with the stance task")
        _check_min_score(min_score)
        results = [article.model_copy(update={"stances": []}, deep=True) for article in articles]
        self._add_stances(results, batch_size, min_score)
        return results

    def predict_actors(self, articles: Sequence[Article], *, gold_mentions: bool = False, batch_size: int = 32) -> list[Article]:
        """Mentions, actors and roles of whole articles, without stances: the first half of
        `predict_articles`, for tools that study the actors alone (``scripts/actor_floor.py``)."""
        if len({article.id for article in articles}) != len(articles):
            raise ValueError("predict_articles: article ids must be unique")
        texts = [article.text for article in articles]
        by_actor = "roles" in self.models and self.role_decision == "actor"
        if by_actor and not gold_mentions and self.models["roles"].role_head is None:
            raise ValueError("this run has no mention tagger (roles.tagger: false): it decides roles of given mentions only; pass mentions=...")
        tag = "roles" in self.models and not (by_actor and gold_mentions)
        words = self._tag_words(texts, batch_size, self._role_output(gold_mentions)) if tag else [[] for _ in texts]
        prior = self._role_priors(articles) if gold_mentions and not by_actor else {}
        prior_weight = self.role_prior.weight if prior else 0.0
        results = []
        for article, document_words in zip(articles, words):
            if gold_mentions:
                mentions = [m.model_copy(update={"score": None}) for m in article.mentions]
                actors = self._given_actors(article) if by_actor else self._roles_for_given(article, document_words, prior, prior_weight)
            else:
                mentions, actors = self._group(article, self._decode(article.text, document_words))
            results.append(Article(id=article.id, text=article.text, actors=actors, mentions=mentions, meta=article.meta))
        if by_actor:
            self._add_actor_roles(results, batch_size)
        elif not gold_mentions and self.role_prior is not None and self.role_prior.end_to_end_weight is not None:
            self._weigh_role_prior(results, words, self.role_prior.end_to_end_weight)
        options = self.config.actors
        if "roles" in self.models and self.labels.dictionary_roles and options.dictionary and options.dictionary_roles:
            for article in results:
                article.actors = self._dictionary_roles(article)
        return results

    # ------------------------------------------------------------------ roles

    @_inference
    def _forward(self, task: str, rows: list[dict], batch_size: int, output: str | None = None) -> list[np.ndarray]:
        """Softmax outputs of one head for every row (``output``: which of the model's outputs; by default
        the task's own), batched by similar length (less padding)."""
        model = self.models[task]
        key = output or ("role_logits" if task == "roles" else "stance_logits")
        order = sorted(range(len(rows)), key=lambda i: len(rows[i]["input_ids"]))
        outputs: list[np.ndarray | None] = [None] * len(rows)
        max_length = self._role_options.max_length if task == "roles" else self._stance_options.max_length
        for chunk in _equal_length_batches(order, [len(row["input_ids"]) for row in rows], batch_size * max_length):
            batch = self._collate([rows[i] for i in chunk])
            batch = {name: tensor.to(self.device) for name, tensor in batch.items()}
            probabilities = model(**batch)[key].float().softmax(-1).cpu().numpy()
            for position, row in enumerate(chunk):
                if task == "roles":
                    outputs[row] = probabilities[position][: len(rows[row]["input_ids"])]
                elif "pair_holders" in rows[row]:  # windows design: one distribution per pair of the window
                    outputs[row] = probabilities[position][: len(rows[row]["pair_holders"])]
                else:
                    outputs[row] = probabilities[position]
        return outputs  # type: ignore[return-value]

    STANCE_CHUNK_CONTEXTS = 2048
    """Stance contexts marked, tokenised and classified at a time: a long article's tens of thousands of
    contexts would otherwise hold all their marked texts and token ids at once (over 1 GB for 1 MB of text)."""

    TAG_CHUNK_CHARS = 50_000
    """Texts are tagged in pieces of at most about this many characters (whole sentences), so the windows,
    token ids and probabilities held at once stay bounded however long an article is."""

    def _tag_pieces(self, texts: list[str]) -> list[list[tuple[int, int, int]]]:
        """Groups of ``(text index, start, end)`` pieces, each group about `TAG_CHUNK_CHARS` characters."""
        groups: list[list[tuple[int, int, int]]] = [[]]
        size = 0
        for index, text in enumerate(texts):
            spans = sentence_spans(text) if len(text) > self.TAG_CHUNK_CHARS else [(0, len(text))]
            start = end = spans[0][0] if spans else 0
            for span_start, span_end in spans:
                if end > start and span_end - start > self.TAG_CHUNK_CHARS:
                    groups[-1].append((index, start, end))
                    size += end - start
                    start = span_start
                if size >= self.TAG_CHUNK_CHARS:
                    groups.append([])
                    size = 0
                end = span_end
            groups[-1].append((index, start, end))
            size += end - start
        return [group for group in groups if group]

    def _tag_words(self, texts: list[str], batch_size: int, output: str = "role_logits") -> list[list[_Word]]:
        """Per text, its words (first sub-token) with tag probabilities from the head ``output`` names;
        overlapping windows keep the surer one."""
        best: list[dict[int, _Word]] = [{} for _ in texts]
        for group in self._tag_pieces(texts):
            pieces = [texts[index][start:end] for index, start, end in group]
            windows = encode_sentences(self.tokenizer, pieces, [str(n) for n in range(len(group))], self._role_options)
            rows = [{"input_ids": window.input_ids} for window in windows]
            probabilities = self._forward("roles", rows, batch_size, output) if rows else []
            for window, window_probabilities in zip(windows, probabilities):
                index, shift, _ = group[int(window.article_id)]
                self._merge_window(best[index], window, window_probabilities, shift)
            release_freed_memory()
        return [[words[start] for start in sorted(words)] for words in best]

    def _reweigh_outside(self, words: list[_Word]) -> list[_Word]:
        """Words re-tagged with the O probability scaled by ``roles.outside_weight`` (the same words at 1); a
        word's confidence is the probability of its new tag."""
        weight = self._role_options.outside_weight
        if weight == 1.0 or not words:
            return words
        weighed = np.stack([word.probabilities for word in words])  # a new array: the words keep their own
        weighed[:, 0] *= weight  # O is the first BIO tag (`LabelSchema.bio_labels`)
        tags = weighed.argmax(-1)
        return [
            _Word(word.start, word.end, word.probabilities, int(tag), float(word.probabilities[tag]))
            for word, tag in zip(words, tags)
        ]

    @staticmethod
    def _merge_window(document: dict[int, _Word], window, window_probabilities: np.ndarray, shift: int) -> None:
        """Add one window's words (offsets moved by ``shift``) to ``document``, keeping the surer of two readings."""
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
                current.end = end + shift
                continue
            current = _Word(start + shift, end + shift, token_probabilities, tag, confidence)
            previous_word = word
            known = document.get(current.start)
            if known is None or confidence > known.confidence:
                document[current.start] = current

    def _decode(self, text: str, words: list[_Word]) -> list[tuple[int, int, str, float]]:
        tags = self.labels.bio_labels
        words = self._reweigh_outside(words)
        predicted = [tags[word.tag] for word in words]
        repair = self._role_options.repair_spans
        web_tokens = web_token_spans(text) if repair else []
        spans = []
        for first, last, role in merged_spans(predicted, [word.confidence for word in words]):
            start, end = words[first].start, words[last - 1].end
            confidence = float(np.mean(np.asarray([words[i].confidence for i in range(first, last)], dtype=np.float32)))
            pieces = [trim_span(text, start, end)]
            if repair:
                pieces = split_at_bracket(text, *trim_edge_words(text, *pieces[0]))
            for start, end in pieces:
                if end > start and has_content_word(text[start:end]) and not inside_any(web_tokens, start, end):
                    spans.append((start, end, role, confidence))
        if not repair:
            return spans
        spans = join_population_places(text, join_hyphenated(text, spans))
        headlines = headline_spans(text)
        in_headline = [inside_any(headlines, start, end) for start, end, _, _ in spans]  # casing rules stay out
        floors = [0] + [end for _, end, _, _ in spans[:-1]]
        starts = [start if plain else name_start(text, start, floor) for (start, *_), floor, plain in zip(spans, floors, in_headline)]
        limits = starts[1:] + [len(text)]
        grown = [
            (start, end if plain else place_end(text, start, name_end(text, start, end, limit), limit), role, confidence)
            for start, (_, end, role, confidence), limit, plain in zip(starts, spans, limits, in_headline)
        ]
        return [
            (start if plain else title_start(text, described_name_start(text, start, end), end), end, role, confidence)
            for (start, end, role, confidence), plain in zip(grown, in_headline)
        ]

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

    def _role_priors(self, articles: Sequence[Article]) -> dict[tuple[str, str], np.ndarray]:
        """(article id, actor id) -> the run's role prior of each given actor (`role_prior`); empty without one."""
        if self.role_prior is None or "roles" not in self.models:
            return {}
        return self.role_prior.probabilities(articles, self.labels.roles)

    def _weigh_role_prior(self, results: list[Article], words: list[list[_Word]], weight: float) -> None:
        """End to end: each predicted actor's role decided as a given actor's is (its mentions' token vote
        weighed against the role prior at ``weight``), in place; the grouping, codes and names stay as they are."""
        priors = self._role_priors(results)
        for article, document_words in zip(results, words):
            decided = {actor.id: actor for actor in self._roles_for_given(article, document_words, priors, weight)}
            article.actors = [
                actor.model_copy(update={field: getattr(decided[actor.id], field) for field in ("role", "other_roles", "score")})
                if actor.id in decided else actor
                for actor in article.actors
            ]  # fmt: skip

    def _roles_for_given(
        self, article: Article, words: list[_Word], priors: dict[tuple[str, str], np.ndarray] | None = None, prior_weight: float = 0.0
    ) -> list[Actor]:
        """Predicted roles; without a role head the actors' own, which `predict` leaves unset (no role is
        invented, so a stance-only run never returns one as if predicted)."""
        known = article.actor_by_id()
        if "roles" not in self.models:
            return [actor.model_copy() for actor in article.actors]
        actors = []
        for actor_id, share in self._pooled_role_scores(article, words).items():
            if priors and (article.id, actor_id) in priors:
                share = combine_role_prior(share, priors[(article.id, actor_id)], prior_weight)
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

    def _role_output(self, gold_mentions: bool) -> str:
        """The tagger output roles are read off: given mentions' own re-fitted head where the run has one and
        ``roles.given_role_head`` asks for it (`given_roles`), else the joint head."""
        given_head = getattr(self.models.get("roles"), "given_role_head", None)
        return "given_role_logits" if gold_mentions and self._role_options.given_role_head and given_head is not None else "role_logits"

    def _pooled_role_scores(self, article: Article, words: list[_Word]) -> dict[str, np.ndarray]:
        """Actor id -> its mentions' role scores pooled by the token vote (``roles.vote``)."""
        per_actor: dict[str, list[np.ndarray]] = defaultdict(list)
        for mention in article.mentions:
            per_actor[mention.actor].append(self._role_scores(words, mention.start, mention.end))
        return {actor_id: pool_role_scores(scores, self.role_vote) for actor_id, scores in per_actor.items()}

    def _dictionary_roles(self, article: Article) -> list[Actor]:
        """The actors, each whose dictionary-linked mentions all imply one role of the label set's
        ``dictionary_roles`` ("the PLA" and "the People's Liberation Army": a state's forces, MIL) with
        that role (`actor_dictionary.implied_role`): the dictionary knows what the tagger, reading one
        sentence, may not. A changed role drops the tagger's score, which was its confidence in another."""
        links: dict[str, list] = defaultdict(list)
        when = article_date(article)
        for mention in article.mentions:
            link = self._dictionary.link(mention.text, when)
            if link is not None:
                links[mention.actor].append(link)
        actors = []
        for actor in article.actors:
            role = implied_role(links.get(actor.id, ()), self.labels.dictionary_roles)  # None without links
            changed = role is not None and role != actor.role
            actors.append(actor.model_copy(update={"role": role, "other_roles": None, "score": None}) if changed else actor)
        return actors

    @staticmethod
    def _given_actors(article: Article) -> list[Actor]:
        """The article's actors without roles, plus one for each mention actor it does not list."""
        actors = {actor.id: actor.model_copy(update={"role": None, "other_roles": None, "score": None}) for actor in article.actors}
        for mention in article.mentions:
            actors.setdefault(mention.actor, Actor(id=mention.actor, name=mention.actor))
        return list(actors.values())

    @_inference
    def actor_role_probabilities(self, articles: Sequence[Article], batch_size: int = 32) -> list[dict[str, np.ndarray]]:
        """Per article, per actor with a mention that fits a window: the actor head's probabilities
        (`RoleLayout.probabilities`), each article's windows encoded once; at most ``batch_size`` windows a batch."""
        model = self.models["roles"]
        layout = RoleLayout.of(self.labels)
        inputs = [actor_inputs(article, self.tokenizer, self._role_options.actor_max_length) for article in articles]
        lost = sum(item.mentions_lost for item in inputs)
        if lost:
            warnings.warn(f"{lost} mentions did not fit in a window of roles.actor_max_length tokens", stacklevel=3)
        stub = self.tokenizer("")["input_ids"]
        results: list[dict[str, np.ndarray]] = [{} for _ in articles]
        pending = [index for index, item in enumerate(inputs) if item.windows]
        while pending:
            chunk, windows = [], 0
            while pending and (not chunk or windows + len(inputs[pending[0]].windows) <= batch_size):
                windows += len(inputs[pending[0]].windows)
                chunk.append(pending.pop(0))
            rows = [{"input_ids": stub, **actor_role_row(inputs[index], None, layout.num_outputs)} for index in chunk]
            batch = {name: tensor.to(self.device) for name, tensor in self._collate(rows).items()}
            logits = model(**batch)["actor_role_logits"].float().cpu().numpy()
            for position, index in enumerate(chunk):
                placed = set(inputs[index].mention_actors)
                probabilities = layout.probabilities(logits[position])
                results[index] = {actor: probabilities[a] for a, actor in enumerate(inputs[index].actors) if a in placed}
        return results

    def _add_actor_roles(self, articles: list[Article], batch_size: int) -> None:
        """Set each actor's role from the actor head (`actor_roles.RoleLayout.decide`); an actor none of
        whose mentions fit a window keeps the role it had (the tagger's vote end to end, none given mentions)."""
        layout = RoleLayout.of(self.labels)
        for article, scores in zip(articles, self.actor_role_probabilities(articles, batch_size)):
            for actor in article.actors:
                if actor.id in scores:
                    role, further, score = layout.decide(scores[actor.id], self.role_threshold.threshold)
                    actor.role, actor.other_roles, actor.score = role, further or None, round(score, 4)

    def _given_mentions(self, text: str, given: Sequence[Mention | dict]) -> list[Mention]:
        mentions = []
        for index, item in enumerate(given):
            data = item.to_dict() if isinstance(item, Mention) else dict(item)
            start, end = data.get("start"), data.get("end")
            if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end <= len(text):
                raise ValueError(f"mentions[{index}]: span [{start}, {end}) is empty or outside the text (length {len(text)})")
            mentions.append(Mention(start=start, end=end, text=text[start:end], actor=str(data.get("actor") or f"M{index + 1}")))
        return mentions

    @cached_property
    def _dictionary(self):
        """The shipped actor dictionary, loaded on first use (once per process)."""
        from .actor_dictionary import ActorDictionary

        return ActorDictionary.default()

    def _group(self, article: Article, spans: list[tuple[int, int, str, float]]) -> tuple[list[Mention], list[Actor]]:
        """Mentions into actors (`grouping.resolve_actors`), as the run's ``actors`` config says."""
        options = self.config.actors
        return resolve_actors(
            article.text,
            [TaggedSpan(start, end, role, confidence) for start, end, role, confidence in spans],
            self.aliases,
            self._dictionary if options.dictionary else None,
            article_date(article),
            resolve_nominals=options.resolve_nominals,
            appositions=options.appositions,
            named_heads=options.named_heads,
            min_unnamed_confidence=options.min_unnamed_confidence,
            linker=self.linker if options.linker else None,
            link_threshold=options.link_threshold,
            nominal_constraints=options.nominal_constraints,
            unsure_link_threshold=options.unsure_link_threshold,
        )

    def fit_linker(self, articles: Sequence[Article], fitted_on: dict | None = None) -> MentionLinker:
        """Fit the nominal linker on annotated ``articles`` (their gold grouping), with this run's alias
        table and dictionary setting; the Predictor uses it from then on (`grouping.fit_mention_linker`)."""
        dictionary = self._dictionary if self.config.actors.dictionary else None
        self.linker = fit_mention_linker(articles, self.aliases, dictionary, self.config.actors.nominal_constraints)
        self.linker.fitted_on.update(fitted_on or {})
        return self.linker

    # ------------------------------------------------------------------ stances

    @property
    def _none_correction(self) -> float:
        """The NONE prior correction in force: the decision's, else the one an older run kept in metrics.json."""
        return self.decision.none_odds_correction if self.decision else self._legacy_none_correction

    def pair_scores(
        self, articles: Sequence[Article], batch_size: int = 32, stated_only: bool = False
    ) -> dict[tuple[str, str, str], PairScore]:
        """Every candidate ordered actor pair of ``articles`` with its pooled stance score (see `decision`).

        ``stated_only`` pools only contexts whose most probable class is a stance (the rule of runs
        without a fitted decision)."""
        contexts, probabilities = self.stance_distributions(articles, batch_size)
        if stated_only:
            kept = [(c, p) for c, p in zip(contexts, probabilities) if self.labels.stance_classes[int(p.argmax())] != NONE_LABEL]
            contexts, probabilities = [c for c, _ in kept], [p for _, p in kept]
        return pool_contexts(contexts, probabilities, self.labels.stance_classes) if contexts else {}

    def stance_distributions(self, articles: Sequence[Article], batch_size: int = 32) -> tuple[list[StanceContext], list[np.ndarray]]:
        """Every directed context of the candidate actor pairs of ``articles`` and its class distribution
        (``labels.stance_classes``), the NONE prior of training's subsampling undone: what `pair_scores`
        pools, for studies of other pooling rules (``scripts/decision_variants.py``)."""
        contexts, probabilities = (
            self._window_distributions(articles, batch_size)
            if self._stance_options.design == "windows"
            else self._context_distributions(articles, batch_size)
        )
        correction = self._none_correction
        if contexts and correction != 1.0:  # undo the NONE subsampling of training (prior shift)
            none = self.labels.stance_classes.index(NONE_LABEL)
            scale = np.where(np.arange(len(self.labels.stance_classes)) == none, correction, 1.0)
            probabilities = [p * scale / (p * scale).sum() for p in probabilities]
        return contexts, probabilities

    def context_probabilities(self, texts: dict[str, str], contexts: Sequence[StanceContext], batch_size: int = 32) -> list[np.ndarray]:
        """The stance head's distribution for each marked context (``texts``: article id -> text), encoded
        and run in chunks; markers that do not fit in ``stance.max_length`` are counted in one warning."""
        probabilities, lost = [], 0
        for first in range(0, len(contexts), self.STANCE_CHUNK_CONTEXTS):
            encoded = encode_contexts(self.tokenizer, texts, contexts[first : first + self.STANCE_CHUNK_CONTEXTS], self._stance_options)
            lost += encoded["markers_lost"]
            rows = [
                {"input_ids": ids, "holder_index": holder, "target_index": target}
                for ids, holder, target in zip(encoded["input_ids"], encoded["holder_index"], encoded["target_index"])
            ]
            probabilities += self._forward("stance", rows, batch_size)
            release_freed_memory()
        if lost:
            warnings.warn(f"{lost} holder/target markers did not fit in stance.max_length tokens", stacklevel=4)
        return probabilities

    def _context_distributions(self, articles: Sequence[Article], batch_size: int) -> tuple[list[StanceContext], list[np.ndarray]]:
        """Pair-contexts design: one marked forward pass per pair and context (per unordered pair, with joint directions)."""
        contexts = []
        for article in articles:
            found = stance_contexts(article, self._stance_options)
            check_limit("stance candidates", len(found), self.max_stance_candidates, f"article {article.id}")
            contexts += found
        if not contexts:
            return [], []
        probabilities = self.context_probabilities({article.id: article.text for article in articles}, contexts, batch_size)
        if self._stance_options.directions == "joint":  # each pass scored both directions: one context each
            directed = [(c, p[0]) for c, p in zip(contexts, probabilities)]
            directed += [(c.reversed(), p[1]) for c, p in zip(contexts, probabilities) if c.holder != AUTHOR]
            return [c for c, _ in directed], [p for _, p in directed]
        return contexts, probabilities

    def _window_distributions(self, articles: Sequence[Article], batch_size: int) -> tuple[list[StanceContext], list[np.ndarray]]:
        """Windows design: each window encoded once; a context per pair of a window (its character range)."""
        windows = []
        for article in articles:
            found = [window for window in stance_windows(article, self.tokenizer, self._stance_options) if window.pairs]
            check_limit("stance candidates", sum(len(w.pairs) for w in found), self.max_stance_candidates, f"article {article.id}")
            windows += found
        lost = sum(window.markers_lost for window in windows)
        if lost:
            warnings.warn(f"{lost} mention markers did not fit in stance.max_length tokens", stacklevel=3)
        if not windows:
            return [], []
        contexts, probabilities = [], []
        for window, distributions in zip(windows, self._forward("stance", [window_row(w) for w in windows], batch_size)):
            for (holder, target), distribution in zip(window.pairs, distributions):
                contexts.append(StanceContext(window.article_id, window.actors[holder], window.actors[target], window.start, window.end, (), ()))
                probabilities.append(distribution)
        return contexts, probabilities

    def fit_decision(self, articles: Sequence[Article], batch_size: int = 32, fitted_on: dict | None = None) -> PairDecision:
        """Fit the stance decision on gold ``articles`` (their mentions and actors given); see `decision.fit_decision`."""
        given = [article.model_copy(update={"stances": []}) for article in articles]
        pooled = self.pair_scores(given, batch_size)
        return fit_decision(pooled, articles, self._none_correction, fitted_on)

    def _add_stances(self, articles: list[Article], batch_size: int, min_score: float | None) -> None:
        """One decision per ordered actor pair over all its contexts (`decision.decide`)."""
        pooled = self.pair_scores(articles, batch_size, stated_only=self.decision is None)
        decision = self.decision or PairDecision(threshold=0.0)
        edges = decide(pooled, decision, min_score)
        for article in articles:
            article.stances = edges.get(article.id, [])
        threshold = decision.threshold if min_score is None else min_score  # the rules' edges are filtered as the decision's
        if self.config.stance.declared_neutrality:
            kept = edges if min_score is None else decide(pooled, decision)  # the conflicts: at the decision's own threshold
            self._add_declared_neutrality(articles, pooled, kept, threshold)
        if self.config.stance.sponsorship_edges:
            self._add_sponsorship(articles, threshold)

    def _add_sponsorship(self, articles: list[Article], threshold: float) -> None:
        """`sponsorship.sponsorship_edges` that reach ``threshold``, for pairs without an edge yet; sponsors
        link through the actor dictionary when the run uses it."""
        dictionary = self._dictionary if self.config.actors.dictionary else None
        for article in articles:
            link = partial(sponsor_key, dictionary, when=article_date(article))
            found = sponsorship_edges(article, link, {(s.holder, s.target) for s in article.stances})
            article.stances = article.stances + [stance for stance in found if (stance.score or 0.0) >= threshold]

    @staticmethod
    def _add_declared_neutrality(
        articles: list[Article], pooled: dict[tuple[str, str, str], PairScore], kept: dict[str, list[Stance]], threshold: float
    ) -> None:
        """`neutrality.declared_neutrality`'s edges that reach ``threshold``, its conflicts read from ``kept``
        (the edges the decision keeps at its own threshold)."""
        scored: dict[str, set[tuple[str, str]]] = {}
        for article_id, holder, target in pooled:
            scored.setdefault(article_id, set()).add((holder, target))
        for article in articles:
            opposed = {(s.holder, s.target): s.score or 0.0 for s in kept.get(article.id, []) if s.label == OPPOSE}
            found = declared_neutrality(article, opposed, scored.get(article.id, set()))
            article.stances = article.stances + [stance for stance in found if (stance.score or 0.0) >= threshold]

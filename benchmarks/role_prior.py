"""Actor roles given mentions: the token vote weighed against a role prior read from frozen sentence embeddings.

    python benchmarks/role_prior.py RUN_DIR [RUN_DIR ...] [--encoder models/all-mpnet-base-v2]
                                    [--weights 0 0.1 0.2 ...] [--output benchmarks/results/role-prior.json]

Chooses the encoder's weight in `actorstance.role_prior` (the module says why a prior helps): its
logistic regression over the frozen ``--encoder``'s embeddings of an actor's mention sentences and
surfaces is fitted on the gold actors of the runs' training split as `actorstance fit-role-prior` fits it,
and each actor's role becomes ``argmax(log token_vote + weight * log prior)``; then the actor
dictionary has its word as in the shipped pipeline (``actors.dictionary_roles``). The token vote is
each run's own (`Predictor.given_role_scores`: the re-fitted head, the geometric vote), so weight 0
is the shipped decision. Scored with `eval.metrics.score_articles` (actor role accuracy given gold
mentions). The weight is chosen on the validation split: highest mean accuracy over the runs, ties
to the higher minimum, then the smaller weight; the test split is scored once, with weight 0 and the
chosen one.

End to end (``RolePrior.end_to_end_weight``) each actor the tagger and the grouping predict takes the
role of its predicted mentions' token vote (the joint head's: predicted mentions keep it) weighed
against the prior, with its own weight, chosen on validation by mean strict mention F1 (an
end-to-end mention's role is its actor's) among the same weights, against the shipped decision (the
grouping's vote, no prior); it is kept only if it beats that, and the test split is scored once with
both. Each split's priors are read from that split's articles alone, as the Predictor reads them.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from actorstance.atomic import atomic_write_text  # noqa: E402
from actorstance.corpus import load_corpus  # noqa: E402
from actorstance.predict_io import load_predictor  # noqa: E402
from actorstance.role_prior import RolePrior, fit_role_prior  # noqa: E402
from actorstance.schema import Article  # noqa: E402
from actorstance.sentence_embeddings import Embedder, sentence_embedder  # noqa: E402
from eval.metrics import score_articles  # noqa: E402

WEIGHTS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0)


def cached(embed: Embedder) -> Embedder:
    """``embed`` remembering every text's vector, so that each run and weight re-reads the same texts for free."""
    vectors: dict[str, np.ndarray] = {}

    def embed_cached(texts: list[str]) -> np.ndarray:
        missing = [text for text in dict.fromkeys(texts) if text not in vectors]
        if missing:
            vectors.update(zip(missing, embed(missing)))
        return np.array([vectors[text] for text in texts])

    return embed_cached


def role_accuracy(predictor, gold: list[Article], prior: RolePrior, weight: float) -> float:
    """Actor role accuracy given ``gold``'s mentions, the run deciding with ``prior`` at ``weight`` (0: the token vote alone)."""
    predictor.role_prior = dataclasses.replace(prior, weight=weight)
    given = [article.model_copy(update={"stances": []}) for article in gold]
    return score_articles(given, predictor.predict_actors(given, gold_mentions=True), predictor.labels)["headline"]["actor_role_accuracy"]


def end_to_end_scores(predictor, gold: list[Article], prior: RolePrior, weight: float | None) -> dict[str, float]:
    """Strict mention F1 and actor role accuracy (aligned actors) of ``gold``'s texts predicted end to end, the
    predicted actors' roles weighed against ``prior`` at ``weight`` (None: the grouping's roles, no prior)."""
    predictor.role_prior = dataclasses.replace(prior, end_to_end_weight=weight)
    texts = [article.model_copy(update={"stances": [], "mentions": [], "actors": []}) for article in gold]
    metrics = score_articles(gold, predictor.predict_actors(texts), predictor.labels)
    return {"mention_strict_f1": metrics["headline"]["mention_strict_f1"], "actor_role_accuracy_aligned": metrics["actors"]["role_accuracy_aligned"]}


def choose_weight(scores: dict[float, list[float]]) -> float:
    """Highest mean over the runs; ties to the higher minimum, then the smaller weight."""
    return max(scores, key=lambda w: (round(float(np.mean(scores[w])), 10), min(scores[w]), -w))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run_dirs", type=Path, nargs="+")
    parser.add_argument("--encoder", default="models/all-mpnet-base-v2", help="frozen sentence encoder (scripts/fetch_mpnet.py)")
    parser.add_argument("--weights", type=float, nargs="+", default=list(WEIGHTS))
    parser.add_argument("--output", type=Path, default=Path("benchmarks/results/role-prior.json"))
    args = parser.parse_args(argv)
    predictors = {str(run): load_predictor(run) for run in args.run_dirs}
    first = next(iter(predictors.values()))
    articles = load_corpus(first.config.data.paths, first.labels)
    by_split = {split: [a for a in articles if a.split == split] for split in ("train", "validation", "test")}
    embed = cached(sentence_embedder(args.encoder))
    prior = fit_role_prior(by_split["train"], args.encoder, 0.0, embed=embed)  # as `actorstance fit-role-prior` fits it
    roles = first.labels.roles
    result: dict = {"encoder": args.encoder, "prior": prior.fitted_on}
    for split in ("validation", "test"):
        gold = by_split[split]
        priors = prior.probabilities(gold, roles)  # this split's articles alone, as the Predictor reads them
        alone = [roles[int(priors[(a.id, actor.id)].argmax())] == actor.role for a in gold for actor in a.actors if (a.id, actor.id) in priors]
        result[split] = {"prior_alone_accuracy": float(np.mean(alone)), "runs": {}, "end_to_end": {"runs": {}}}
        weights = sorted({0.0, *args.weights}) if split == "validation" else sorted({0.0, result["chosen_weight"]})
        end_weights = sorted(args.weights) if split == "validation" else [w for w in [result["chosen_end_to_end_weight"]] if w is not None]
        accuracy: dict[float, list[float]] = {w: [] for w in weights}
        strict: dict[float | None, list[float]] = {w: [] for w in [None, *end_weights]}
        for name, predictor in predictors.items():
            per_weight = {w: role_accuracy(predictor, gold, prior, w) for w in weights}
            result[split]["runs"][name] = {str(w): value for w, value in per_weight.items()}
            for w, value in per_weight.items():
                accuracy[w].append(value)
            end = {w: end_to_end_scores(predictor, gold, prior, w) for w in strict}
            result[split]["end_to_end"]["runs"][name] = {str(w): values for w, values in end.items()}
            for w, values in end.items():
                strict[w].append(values["mention_strict_f1"])
            print(split, name, json.dumps({str(w): round(v, 4) for w, v in per_weight.items()}),
                  json.dumps({str(w): round(v["mention_strict_f1"], 4) for w, v in end.items()}), flush=True)  # fmt: skip
        result[split]["mean"] = {str(w): float(np.mean(values)) for w, values in accuracy.items()}
        result[split]["end_to_end"]["mean_strict_f1"] = {str(w): float(np.mean(values)) for w, values in strict.items()}
        if split == "validation":
            result["chosen_weight"] = choose_weight(accuracy)
            best = choose_weight({w: values for w, values in strict.items() if w is not None})
            result["chosen_end_to_end_weight"] = best if np.mean(strict[best]) > np.mean(strict[None]) else None
        chosen, chosen_end = result["chosen_weight"], result["chosen_end_to_end_weight"]
        result[split]["gain"] = [a - b for a, b in zip(accuracy[chosen], accuracy[0.0])]
        if chosen_end is not None:
            result[split]["end_to_end"]["strict_f1_gain"] = [a - b for a, b in zip(strict[chosen_end], strict[None])]
    result["command"] = "python benchmarks/role_prior.py " + " ".join(sys.argv[1:] if argv is None else argv)
    atomic_write_text(args.output, json.dumps(result, indent=2) + "\n")
    print(f"chosen weight {result['chosen_weight']}: validation {result['validation']['mean']}, test {result['test']['mean']}")
    print(f"end to end: weight {result['chosen_end_to_end_weight']}, strict mention F1 {result['test']['end_to_end']['mean_strict_f1']} on test")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

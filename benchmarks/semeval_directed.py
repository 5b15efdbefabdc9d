"""Who does what to whom: directed sentiment between a SemEval entity and the other actors of its sentences.

A SemEval-2025 main role is about what the article does with the entity: the villain (Antagonist)
acts against others, the victim (Innocent) is acted against, the hero (Protagonist) is supported.
The AUTHOR -> entity sentiment of a NewsMTSC run (`semeval_sentiment_transfer.py`) separates a hero
from a villain but not a victim from a villain (both are written about negatively). A stance run
trained on park2021 (directed entity-to-entity sentiment in news sentences, `benchmarks/external.py
park2021`) reads the direction: for each sentence holding an entity's mention, the other actors of
that sentence (the other SemEval entities, and the mentions the corpus tagger finds, each its own
actor) are paired with it both ways, and each marked context gets P(SUPPORT) and P(OPPOSE).

`directed_features` gives per entity nine numbers: the mean and the maximum of P(OPPOSE) and of
P(SUPPORT) with the entity as holder, the same with the entity as target, and log(1 + contexts).
An entity alone in its sentences gets zeros.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from actorstance.dataset import stance_contexts
from actorstance.schema import Actor, Article, Mention

OTHER = "other:"
"""Prefix of the ids given to the tagger's actors beside the SemEval entities."""


def with_other_actors(article: Article, tagged: Article) -> Article:
    """``article`` (the given entity mentions) plus every mention of ``tagged`` (the same text, predicted
    end to end) that overlaps none of them, each predicted actor an actor of its own."""
    taken = [(m.start, m.end) for m in article.mentions]
    extra_mentions, extra_actors = [], {}
    for mention in tagged.mentions:
        if any(mention.start < end and start < mention.end for start, end in taken):
            continue
        key = OTHER + mention.actor
        extra_mentions.append(Mention(start=mention.start, end=mention.end, text=mention.text, actor=key))
        extra_actors.setdefault(key, Actor(id=key, name=mention.text))
    return article.model_copy(
        update={"mentions": [*article.mentions, *extra_mentions], "actors": [*article.actors, *extra_actors.values()], "stances": []}
    )


def directed_features(stance_predictor, tagger_predictor, articles, batch_size: int = 32) -> dict[tuple[str, str], np.ndarray]:
    """(article id, entity id) -> the nine numbers of the module docstring, from ``stance_predictor`` (a
    park2021 run: SUPPORT / OPPOSE / NONE) over same-sentence pairs with the actors ``tagger_predictor``
    finds."""
    bare = [article.model_copy(update={"mentions": [], "actors": [], "stances": []}) for article in articles]
    tagged = tagger_predictor.predict_actors(bare)
    options = dataclasses.replace(stance_predictor._stance_options, max_sentence_distance=0, directions="ordered")
    classes = list(stance_predictor.labels.stance_classes)
    oppose, support = classes.index("OPPOSE"), classes.index("SUPPORT")
    features = {}
    for article, predicted in zip(articles, tagged):
        entities = {actor.id for actor in article.actors}
        extended = with_other_actors(article, predicted)
        contexts = [c for c in stance_contexts(extended, options) if c.holder in entities or c.target in entities]
        probabilities = stance_predictor.context_probabilities({article.id: article.text}, contexts, batch_size)
        for entity in entities:
            as_holder = [p for c, p in zip(contexts, probabilities) if c.holder == entity]
            as_target = [p for c, p in zip(contexts, probabilities) if c.target == entity]
            values = []
            for side in (as_holder, as_target):
                for column in (oppose, support):
                    scores = [float(p[column]) for p in side]
                    values += [float(np.mean(scores)), max(scores)] if scores else [0.0, 0.0]
            values.append(float(np.log1p(len(as_holder) + len(as_target))))
            features[(article.id, entity)] = np.asarray(values)
    return features

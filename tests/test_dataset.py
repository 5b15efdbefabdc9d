"""Alignment of role tags to real tokenizer output, stance pair examples, and leak-free splits."""

from __future__ import annotations

from collections import Counter

from actorstance.dataset import (
    RoleOptions,
    SplitOptions,
    StanceContext,
    StanceOptions,
    assign_splits,
    build_dataset_dict,
    encode_contexts,
    encode_sentences,
    role_examples,
    split_articles,
    stance_contexts,
    stance_examples,
    stance_pair_counts,
    stance_window_examples,
    stance_windows,
    swapped_names,
)
from actorstance.dataset import _fit_window, _sampled_contexts, _sentence_groups
from actorstance.labels import LabelSchema

from .conftest import make_article

LABELS = LabelSchema.default()


def _tagged(tokenizer, example):
    tokens = tokenizer.convert_ids_to_tokens(example["input_ids"])
    return [(t, LABELS.bio_labels[i] if i >= 0 else None) for t, i in zip(tokens, example["labels"])]


def test_bio_alignment_first_subtoken(tokenizer):
    article = make_article(
        "t", "Türkiye’s drones hit the PKK. Nguyễn Phú Trọng spoke.",
        [("Türkiye", "TUR"), ("the PKK", "PKK"), ("Nguyễn Phú Trọng", "NGUYEN")], roles={"PKK": "REB"},
    )  # fmt: skip
    first, second = role_examples([article], tokenizer, LABELS, RoleOptions())
    assert _tagged(tokenizer, first) == [
        ("[CLS]", None), ("turk", "B-GOV"), ("##iy", None), ("##e", None), ("’", "O"), ("s", "O"),
        ("drones", "O"), ("hit", "O"), ("the", "B-REB"), ("p", "I-REB"), ("##kk", None), (".", "O"), ("[SEP]", None),
    ]  # fmt: skip
    assert [tag for _, tag in _tagged(tokenizer, second) if tag][:3] == ["B-GOV", "I-GOV", "I-GOV"]
    # offsets map every token back to the original (non-ASCII, cased) text
    text = article.text
    pieces = [text[s:e] for s, e in second["offsets"] if s >= 0]
    assert pieces == ["Nguyễn", "Ph", "ú", "Tr", "ọng", "spoke", "."]
    assert second["offsets"][1] == [text.index("Nguyễn"), text.index("Nguyễn") + 6]


def test_label_all_tokens_gives_inside_tags_to_later_subtokens(tokenizer):
    article = make_article("t", "Türkiye spoke.", [("Türkiye", "TUR")])
    (example,) = role_examples([article], tokenizer, LABELS, RoleOptions(label_all_tokens=True))
    assert _tagged(tokenizer, example)[1:4] == [("turk", "B-GOV"), ("##iy", "I-GOV"), ("##e", "I-GOV")]


def test_long_sentences_become_overlapping_windows_with_true_offsets(tokenizer):
    words = [f"w{i}" for i in range(300)]
    text = " ".join(words[:150]) + " Iran " + " ".join(words[150:]) + "."
    windows = encode_sentences(tokenizer, [text], ["long"], RoleOptions(max_length=64, stride=16))
    assert len(windows) > 5 and all(len(w.input_ids) <= 64 for w in windows)
    for window in windows:
        for start, end in window.offsets:
            if start >= 0:
                assert text[start:end].strip() and start < end
    article = make_article("long", text, [("Iran", "IRN")])
    examples = role_examples([article], tokenizer, LABELS, RoleOptions(max_length=64, stride=16))
    tagged = [tag for example in examples for _, tag in _tagged(tokenizer, example) if tag == "B-GOV"]
    assert 1 <= len(tagged) <= 2  # Iran falls in one window or in the overlap of two


def test_dotted_abbreviations_are_read_as_the_corpus_writes_them_with_offsets_into_the_text(tokenizer):
    dotted, plain = "Force used by the U.S.-led coalition and the U.N.", "Force used by the US-led coalition and the UN"
    (window,), (reference,) = (encode_sentences(tokenizer, [text], ["a"], RoleOptions()) for text in (dotted, plain))
    assert window.input_ids == reference.input_ids and window.word_ids == reference.word_ids
    assert [dotted[start:end] for start, end in window.offsets if start >= 0] == [
        "Force", "used", "by", "the", "U.S.", "-", "led", "coalition", "and", "the", "U.N.",
    ]  # fmt: skip
    context = StanceContext("a", "USA", "UN", 0, len(dotted), ((14, 22),), ((41, 49),))
    marked = encode_contexts(tokenizer, {"a": dotted}, [context], StanceOptions())
    reference_context = StanceContext("a", "USA", "UN", 0, len(plain), ((14, 20),), ((39, 45),))
    assert marked == encode_contexts(tokenizer, {"a": plain}, [reference_context], StanceOptions())
    assert tokenizer.decode(marked["input_ids"][0]).startswith("[CLS] force used by < < the us > > - led")


def test_stance_contexts_labels_and_markers(tokenizer, seed_article):
    contexts = stance_contexts(seed_article, StanceOptions())
    positives = {(c.holder, c.target): c.label for c in contexts if c.label != "NONE"}
    assert positives == {(s.holder, s.target): s.label for s in seed_article.stances}
    examples = stance_examples([seed_article], tokenizer, LABELS, StanceOptions(), negative_ratio=None)
    assert len(examples) == len(contexts)
    first = examples[0]
    tokens = tokenizer.convert_ids_to_tokens(first["input_ids"])
    assert tokens[first["holder_index"]] == "<" and tokens[first["target_index"]] == "["
    assert tokenizer.decode(first["input_ids"]).startswith("[CLS] < < jordanian > > and [ [ us officials ] ]")
    assert LABELS.stance_classes[first["stance_labels"]] == "SUPPORT"


def test_typed_markers_carry_each_actors_role(tokenizer):
    article = make_article(
        "t1", "Iran backs Hezbollah. Daesh attacked villagers.", [("Iran", "IRN"), ("Hezbollah", "HEZ")],
        [("IRN", "HEZ", "SUPPORT", "Iran backs Hezbollah")], {"IRN": "GOV", "HEZ": "MILITIA"},
    )  # fmt: skip
    typed = StanceOptions(typed_markers=True)
    contexts = stance_contexts(article, typed)
    assert [(c.holder, c.holder_role, c.target, c.target_role) for c in contexts] == [
        ("IRN", "GOV", "HEZ", "MILITIA"), ("HEZ", "MILITIA", "IRN", "GOV"),
    ]  # fmt: skip
    first = stance_examples([article], tokenizer, LABELS, typed, negative_ratio=None)[0]
    assert tokenizer.decode(first["input_ids"]) == "[CLS] < < gov : iran > > backs [ [ militia : hezbollah ] ]. [SEP]"
    tokens = tokenizer.convert_ids_to_tokens(first["input_ids"])
    assert (first["holder_index"], tokens[first["holder_index"]]) == (1, "<")
    assert (first["target_index"], tokens[first["target_index"]]) == (9, "[")
    untyped = stance_examples([article], tokenizer, LABELS, StanceOptions(), negative_ratio=None)[0]
    assert tokenizer.decode(untyped["input_ids"]) == "[CLS] < < iran > > backs [ [ hezbollah ] ]. [SEP]"


def test_stance_beyond_the_window_gets_a_covering_context(tokenizer):
    article = make_article(
        "far", "King Abdullah spoke. He was calm. He later said Tehran was a threat.",
        [("King Abdullah", "KING"), ("Tehran", "IRN")], [("KING", "IRN", "OPPOSE", "Tehran was a threat")],
    )  # fmt: skip
    contexts = stance_contexts(article, StanceOptions(max_sentence_distance=1))
    assert [(c.holder, c.target, c.label, c.start, c.end) for c in contexts] == [
        ("KING", "IRN", "OPPOSE", 0, len(article.text))
    ]


def test_joint_directions_give_one_context_per_unordered_pair_with_both_labels(tokenizer):
    article = make_article(
        "j", "Hezbollah thanked Iran, and Iran backs Hezbollah. Oman met Iran.",
        [("Hezbollah", "HEZ"), ("Iran", "IRN"), ("Iran", "IRN"), ("Hezbollah", "HEZ"), ("Oman", "OMN"), ("Iran", "IRN")],
        [("IRN", "HEZ", "SUPPORT", "Iran backs Hezbollah"), ("HEZ", "IRN", "SUPPORT", "Hezbollah thanked Iran")],
    )  # fmt: skip
    joint = StanceOptions(max_sentence_distance=0, directions="joint")
    contexts = stance_contexts(article, joint)
    # the actor written first holds the pair: Hezbollah in the first sentence, Oman in the second
    assert [(c.holder, c.target, c.label, c.reverse_label, c.start) for c in contexts] == [
        ("HEZ", "IRN", "SUPPORT", "SUPPORT", 0), ("OMN", "IRN", "NONE", "NONE", 50),
    ]  # fmt: skip
    ordered = stance_contexts(article, StanceOptions(max_sentence_distance=0))
    both = {(c.holder, c.target, c.start, c.label) for c in contexts} | {
        (c.target, c.holder, c.start, c.reverse_label) for c in contexts
    }
    assert both == {(c.holder, c.target, c.start, c.label) for c in ordered} and len(ordered) == 4
    (turned,) = [c.reversed() for c in contexts[1:]]
    assert (turned.holder, turned.target, turned.holder_spans, turned.target_spans) == ("IRN", "OMN", ((59, 63),), ((50, 54),))
    first, second = stance_examples([article], tokenizer, LABELS, joint, negative_ratio=None)
    assert tokenizer.decode(first["input_ids"]).startswith("[CLS] < < hezbollah > > thanked [ [ iran ] ]")
    assert [LABELS.stance_classes[i] for i in first["stance_labels"]] == ["SUPPORT", "SUPPORT"]
    assert [LABELS.stance_classes[i] for i in second["stance_labels"]] == ["NONE", "NONE"]


def test_name_swap_writes_two_other_actors_names_for_every_mention_of_the_pair(tokenizer):
    article = make_article(
        "j", "Hezbollah thanked Iran, and Iran backs Hezbollah.",
        [("Hezbollah", "HEZ"), ("Iran", "IRN"), ("Iran", "IRN"), ("Hezbollah", "HEZ")],
        [("IRN", "HEZ", "SUPPORT", "Iran backs Hezbollah"), ("HEZ", "IRN", "OPPOSE", "Hezbollah thanked Iran")],
    )  # fmt: skip
    other = make_article("o", "Oman met Jordan and Syria.", [("Oman", "OMN"), ("Jordan", "JOR"), ("Syria", "SYR")])
    joint = StanceOptions(max_sentence_distance=0, directions="joint")
    (kept,) = stance_examples([article, other], tokenizer, LABELS, joint, negative_ratio=None)[:1]
    (swapped,) = stance_examples([article, other], tokenizer, LABELS, joint, negative_ratio=None, name_swap=1.0)[:1]
    assert tokenizer.decode(kept["input_ids"]) == "[CLS] < < hezbollah > > thanked [ [ iran ] ], and [ [ iran ] ] backs < < hezbollah > >. [SEP]"
    text = tokenizer.decode(swapped["input_ids"])
    holder, target = text.split("< < ")[1].split(" > >")[0], text.split("[ [ ")[1].split(" ] ]")[0]
    assert text == f"[CLS] < < {holder} > > thanked [ [ {target} ] ], and [ [ {target} ] ] backs < < {holder} > >. [SEP]"
    assert holder != target and {holder, target} <= {"omn", "jor", "syr"}
    tokens = tokenizer.convert_ids_to_tokens(swapped["input_ids"])
    assert (tokens[swapped["holder_index"]], tokens[swapped["target_index"]]) == ("<", "[")
    assert swapped["stance_labels"] == kept["stance_labels"] and swapped["offsets"] == kept["offsets"]
    contexts = stance_contexts(article, joint) + stance_contexts(other, joint)
    drawn = swapped_names([article, other], contexts, 0.5, seed=7)
    assert drawn == swapped_names([article, other], contexts, 0.5, seed=7)
    author = StanceContext("j", "AUTHOR", "IRN", 0, 10, (), ((0, 4),))
    assert swapped_names([article, other], [author], 1.0) == [None]  # the author has no mention to rewrite


def test_joint_directions_turn_a_covering_context_round():
    """The stance's only context has its target written first: the joint context starts from the
    target, and the stance is its reverse label."""
    article = make_article(
        "far", "Tehran was a threat, officials said. He was calm. King Abdullah spoke.",
        [("Tehran", "IRN"), ("King Abdullah", "KING")], [("KING", "IRN", "OPPOSE", "Tehran was a threat")],
    )  # fmt: skip
    (context,) = stance_contexts(article, StanceOptions(max_sentence_distance=1, directions="joint"))
    assert (context.holder, context.target, context.label, context.reverse_label) == ("IRN", "KING", "NONE", "OPPOSE")
    assert (context.start, context.end) == (0, len(article.text))


def test_joint_negative_sampling_counts_contexts_and_keeps_each_directions_label(tokenizer, seed_article):
    joint = StanceOptions(directions="joint")
    contexts = stance_contexts(seed_article, joint)
    stated = sum(c.stated for c in contexts)
    examples = stance_examples([seed_article], tokenizer, LABELS, joint, negative_ratio=1.0, seed=3)
    assert len(examples) == 2 * stated and all(len(e["stance_labels"]) == 2 for e in examples)
    labels = Counter(LABELS.stance_classes[i] for e in examples for i in e["stance_labels"])
    assert labels["NONE"] == 4 * stated - sum(label != "NONE" for c in contexts for label in (c.label, c.reverse_label))
    assert stance_pair_counts([seed_article], tokenizer, joint, negative_ratio=1.0) == (4 * stated - labels["NONE"], labels["NONE"])


def test_negative_sampling_is_seeded_and_capped(tokenizer, seed_article):
    def sample(seed):
        return stance_examples([seed_article], tokenizer, LABELS, StanceOptions(), negative_ratio=1.0, seed=seed)

    counts = Counter(LABELS.stance_classes[e["stance_labels"]] for e in sample(3))
    assert counts["NONE"] == 20 and sum(counts.values()) == 40
    assert [e["input_ids"] for e in sample(3)] == [e["input_ids"] for e in sample(3)]
    assert [e["input_ids"] for e in sample(3)] != [e["input_ids"] for e in sample(4)]


def test_hard_negatives_come_from_stretches_that_state_another_pairs_stance():
    """One sentence states IRN -> HEZ and holds five NONE ordered pairs; three more sentences hold six
    NONE pairs between actors that state nothing. ``hard_negatives`` decides how many kept NONE
    contexts come from the first sentence."""
    article = make_article(
        "hard", "Iran backs Hezbollah, the UN said. Oman met Qatar. Egypt met Jordan. Turkey met Greece.",
        [("Iran", "IRN"), ("Hezbollah", "HEZ"), ("the UN", "UN"), ("Oman", "OMN"), ("Qatar", "QAT"), ("Egypt", "EGY"),
         ("Jordan", "JOR"), ("Turkey", "TUR"), ("Greece", "GRC")],
        [("IRN", "HEZ", "SUPPORT", "Iran backs Hezbollah")],
    )  # fmt: skip
    stated_stretch = (0, len("Iran backs Hezbollah, the UN said."))

    def negatives(share: float, ratio: float, seed: int = 0) -> list:
        options = StanceOptions(max_sentence_distance=0, hard_negatives=share)
        return [c for c in _sampled_contexts([article], options, ratio, seed) if not c.stated]

    assert all((c.start, c.end) == stated_stretch for c in negatives(1.0, 3.0))
    assert len(negatives(1.0, 3.0)) == 3
    assert len(negatives(1.0, 8.0)) == 8 and sum((c.start, c.end) == stated_stretch for c in negatives(1.0, 8.0)) == 5
    for seed in range(5):  # half of four from the stated stretch, the other two drawn from all that are left
        assert sum((c.start, c.end) == stated_stretch for c in negatives(0.5, 4.0, seed)) >= 2
    assert {(c.holder, c.target) for s in range(20) for c in negatives(0.0, 3.0, s)} >= {("OMN", "QAT"), ("IRN", "UN")}


def test_splits_are_deterministic_pinned_and_leak_free(small_corpus):
    unpinned = [a.model_copy(update={"split": None, "id": f"u{i}"}) for i, a in enumerate(small_corpus * 20)]
    first = assign_splits(unpinned, SplitOptions(seed=1))
    assert first == assign_splits(list(reversed(unpinned)), SplitOptions(seed=1))  # order does not matter
    assert first == assign_splits(unpinned[:100], SplitOptions(seed=1)) | assign_splits(unpinned[100:], SplitOptions(seed=1))
    assert first != assign_splits(unpinned, SplitOptions(seed=2))
    shares = Counter(first.values())
    assert 150 < shares["train"] < 230 and shares["validation"] > 5 and shares["test"] > 5
    groups = split_articles(small_corpus)
    assert [len(groups[s]) for s in ("train", "validation", "test")] == [8, 2, 2]  # pinned splits honoured
    ids = [[a.id for a in groups[s]] for s in groups]
    assert sum(len(i) for i in ids) == len(set().union(*map(set, ids))) == 12


def test_dataset_dict_has_both_tasks_and_no_article_in_two_splits(tokenizer, small_corpus):
    data = build_dataset_dict(small_corpus, tokenizer, LABELS)
    assert set(data) == {"train", "validation", "test"}
    for split, dataset in data.items():
        assert set(dataset["task"]) == {"roles", "stance"}, split
    article_sets = [set(data[s]["article_id"]) for s in data]
    assert not (article_sets[0] & article_sets[1] or article_sets[0] & article_sets[2] or article_sets[1] & article_sets[2])
    stance_rows = data["validation"].filter(lambda row: row["task"] == "stance")
    assert all(label == -100 for row in stance_rows["labels"] for label in row)


def test_sentence_groups_share_overlapping_sentences():
    # 10-token budget: [0, 1] (4 + 5 tokens), then again from sentence 1 (overlap 1): [1, 2]
    assert _sentence_groups([4, 5, 5], 10, 1) == [(0, 1), (1, 2)]
    # a 12-token sentence stands alone; the next range starts after it
    assert _sentence_groups([4, 12, 3], 10, 1) == [(0, 0), (1, 1), (2, 2)]
    assert _sentence_groups([3, 3, 3, 3], 100, 1) == [(0, 3)]
    assert _sentence_groups([6, 6, 6], 10, 0) == [(0, 0), (1, 1), (2, 2)]


def test_stance_windows_mark_every_mention_and_label_pairs(tokenizer):
    article = make_article(
        "w", "Iran backs Hezbollah. The UN condemned Iran. Reuters said nothing.",
        [("Iran", "IRN"), ("Hezbollah", "HEZ"), ("The UN", "UN"), ("Iran", "IRN"), ("Reuters", "REU")],
        [("IRN", "HEZ", "SUPPORT", "Iran backs Hezbollah"), ("UN", "IRN", "OPPOSE", "The UN condemned Iran")],
    )  # fmt: skip
    [window] = stance_windows(article, tokenizer, StanceOptions(design="windows", max_length=64))
    assert (window.start, window.end) == (0, len(article.text))
    assert tokenizer.decode(window.input_ids).startswith("[CLS] < < iran > > backs < < hezbollah > >. < < the un > > condemned")
    tokens = tokenizer.convert_ids_to_tokens(window.input_ids)
    assert [tokens[index] for index in window.mention_tokens] == ["<"] * 5
    assert window.actors == ["IRN", "HEZ", "UN", "REU"] and window.mention_actors == [0, 1, 2, 0, 3]
    labelled = {(window.actors[h], window.actors[t]): label for (h, t), label in zip(window.pairs, window.labels)}
    # every ordered pair at most one sentence apart; REU (sentence 3) is two sentences from HEZ (sentence 1)
    assert labelled == {
        ("IRN", "HEZ"): "SUPPORT", ("IRN", "UN"): "NONE", ("IRN", "REU"): "NONE", ("HEZ", "IRN"): "NONE",
        ("HEZ", "UN"): "NONE", ("UN", "IRN"): "OPPOSE", ("UN", "HEZ"): "NONE", ("UN", "REU"): "NONE",
        ("REU", "IRN"): "NONE", ("REU", "UN"): "NONE",
    }  # fmt: skip
    [example] = stance_window_examples([article], tokenizer, LABELS, StanceOptions(design="windows", max_length=64), negative_ratio=0.5)
    kept = [label for label in example["stance_labels"] if label != -100]
    # 2 stated pairs; NONE pairs kept with probability 0.5 x 2 / 8
    assert sorted(LABELS.stance_classes[label] for label in kept if LABELS.stance_classes[label] != "NONE") == ["OPPOSE", "SUPPORT"]
    assert example["pair_holders"] == [h for h, _ in window.pairs]


def test_too_long_rows_keep_their_markers_in_a_centred_window():
    ids = [101, *range(1, 21), 102]  # [CLS] 1..20 [SEP]
    row, markers, lost = _fit_window(ids, {"h": 12, "t": 16}, 8)
    assert row == [101, 11, 12, 13, 14, 15, 16, 102] and markers == {"h": 2, "t": 6} and lost == 0
    # 17 tokens apart: both cannot fit in 6, the window is centred on the holder's marker
    row, markers, lost = _fit_window(ids, {"h": 2, "t": 19}, 8)
    assert row == [101, 1, 2, 3, 4, 5, 6, 102] and markers == {"h": 2, "t": None} and lost == 1
    assert _fit_window(ids[:6], {"h": 1}, 8) == (ids[:6], {"h": 1}, 0)

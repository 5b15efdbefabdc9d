"""actorstance role-tagging metric for `evaluate`: strict span scores of BIO tag sequences.

Load it by path, offline (nothing is fetched from the Hub)::

    import evaluate
    metric = evaluate.load("eval/actorstance_metric")        # from the repository root
    metric = evaluate.load(str(eval.METRIC_PATH))             # from anywhere
    metric.compute(predictions=[["B-GOV", "O"]], references=[["B-GOV", "O"]])

The numbers are `actorstance.scores.tag_scores`: micro ``precision``, ``recall``, ``f1``, ``macro_f1``
and ``f1_<ROLE>``, equal to seqeval's defaults (mode=None).
"""

import datasets
import evaluate

from actorstance.scores import tag_scores

_CITATION = """\
@inproceedings{segura-bedmar-etal-2013-semeval,
  title = {SemEval-2013 Task 9: Extraction of Drug-Drug Interactions from Biomedical Texts},
  author = {Segura-Bedmar, Isabel and Mart{\\'\\i}nez, Paloma and Herrero-Zazo, Mar{\\'\\i}a},
  booktitle = {Proceedings of SemEval 2013},
  year = {2013}
}
"""

_DESCRIPTION = """\
Strict span precision, recall and F1 (micro), macro F1 over roles and F1 per role, computed from
BIO tag sequences with seqeval's default chunking rules (a stray I-X starts a span).
"""

_KWARGS_DESCRIPTION = """
Args:
    predictions: list of predicted tag sequences, e.g. [["B-GOV", "I-GOV", "O"]].
    references: list of gold tag sequences of the same lengths.
Returns:
    precision, recall, f1, macro_f1 and f1_<ROLE> for each role found in references or predictions.
Examples:
    >>> metric = evaluate.load("eval/actorstance_metric")
    >>> metric.compute(predictions=[["B-GOV", "O"]], references=[["B-GOV", "O"]])["f1"]
    1.0
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class ActorstanceMetric(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation=_CITATION,
            inputs_description=_KWARGS_DESCRIPTION,
            features=datasets.Features(
                {
                    "predictions": datasets.Sequence(datasets.Value("string", id="label"), id="sequence"),
                    "references": datasets.Sequence(datasets.Value("string", id="label"), id="sequence"),
                }
            ),
        )

    def _compute(self, predictions, references):
        return tag_scores([list(r) for r in references], [list(p) for p in predictions])

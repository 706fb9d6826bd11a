"""The zoo's targets: what each shipped model must measure for the book to say it reproduces
a result of the paper. This table is the one source of the verdicts "met" / "not met": the
"ours vs the paper" boxes of chapters 7-11 (:mod:`ntmlib.book.report`), the targets table
of README.md and data/RESULTS.md (written by tools/results.py) all read it.

The paper reports learning curves and pictures, not tables, so each bound stands for its
words in ours ("near zero": under 1 bit; "fails": many bit errors), with the figure it is
read from.
"""
from __future__ import annotations

import operator
import re
from dataclasses import dataclass

__all__ = ["Target", "TARGETS", "MEASURES", "TESTS", "targets_of"]

#: Metric (a key of results.json) -> how tables name it.
MEASURES = {"bit_errors": "bit errors/seq", "cost_bits": "bits/seq", "data_bit_errors": "data-bit errors/seq",
            "excess_bits": "bits/seq above the optimum"}
TESTS = {"<": operator.lt, "<=": operator.le, ">=": operator.ge}
SYMBOLS = {"<": "<", "<=": "≤", ">=": "≥"}


@dataclass(frozen=True)
class Target:
    """Our figure for (task, arch, case, metric) must pass ``test`` against ``bound``
    (None: reported, not tested). ``why`` names the paper's result it stands for,
    as "Fig N: what the figure shows"."""

    task: str
    arch: str
    case: str
    metric: str
    test: str | None
    bound: float | None
    why: str

    def met(self, value: float) -> bool | None:
        """True or False by the test; None for a figure that is only reported."""
        return None if self.test is None else TESTS[self.test](value, self.bound)

    def criterion(self) -> str:
        """The test in symbols ("< 0.1", "≥ 96") or "reported"."""
        return "reported" if self.test is None else f"{SYMBOLS[self.test]} {self.bound:g}"

    def paper(self) -> str:
        """The paper's result in words, with its figure: "fits the training data (paper Fig. 7)"."""
        found = re.fullmatch(r"Figs? ([\d, -]+): (.*)", self.why)
        return f"{found.group(2)} (paper Fig. {found.group(1)})" if found else self.why


# task | arch | case | metric | test | bound | the paper's result it stands for ("-": reported only)
_TABLE = """
    copy | ntm-lstm | L=20 | bit_errors | < | 0.1 | Fig 4: copies twice the training length
    copy | ntm-lstm | L=120 | bit_errors | < | 1 | Fig 4: generalises to length 120
    copy | ntm-ff | L=120 | bit_errors | < | 1 | Fig 4: generalises to length 120
    copy | lstm | L=10 | bit_errors | < | 1 | Fig 5: the LSTM copies the training lengths
    copy | lstm | L=20 | bit_errors | < | 1 | Fig 5: the LSTM copies the training lengths
    copy | lstm | L=120 | bit_errors | >= | 96 | Fig 5: the LSTM fails at length 120
    repeat-copy | ntm-lstm | training | bit_errors | < | 0.1 | Fig 7: fits the training data
    repeat-copy | ntm-lstm | L=20,R=10 | bit_errors | < | 1 | Fig 8: longer sequences, almost perfect
    repeat-copy | ntm-lstm | L=10,R=20 | data_bit_errors | < | 5 | Fig 8: more repeats, data right
    repeat-copy | ntm-ff | training | bit_errors | < | 0.1 | Fig 7: fits the training data
    repeat-copy | ntm-ff | L=20,R=10 | bit_errors | < | 1 | Fig 8: longer sequences, almost perfect
    repeat-copy | lstm | training | bit_errors | < | 0.5 | Fig 7: the LSTM fits the training data
    repeat-copy | lstm | L=20,R=10 | bit_errors | >= | 180 | Fig 8: the LSTM fails on longer sequences
    associative-recall | ntm-lstm | K=6 | bit_errors | < | 0.1 | Fig 10: learns the task
    associative-recall | ntm-lstm | K=12 | cost_bits | < | 1 | Fig 11: under 1 bit to 12 items
    associative-recall | ntm-ff | K=12 | cost_bits | < | 1 | Fig 11: under 1 bit to 12 items
    associative-recall | ntm-ff | K=15 | cost_bits | < | 1 | Fig 11: under 1 bit at 15 items
    associative-recall | ntm-ff | K=20 | cost_bits | < | 5 | Fig 11: degrades slowly beyond
    associative-recall | lstm | K=6 | bit_errors | - | - | Fig 10: not at 0 after 1M sequences
    ngrams | ntm-lstm | training | excess_bits | < | 2 | Fig 13: slightly above the optimum
    ngrams | ntm-ff | training | excess_bits | < | 2 | Fig 13: slightly above the optimum
    ngrams | lstm | training | excess_bits | - | - | Fig 13: further above the optimum than the NTMs
    priority-sort | ntm-ff | training | cost_bits | <= | 15 | Fig 18: the NTMs at ~15-20 bits
    priority-sort | ntm-lstm | training | cost_bits | <= | 30 | Fig 18: the NTMs at ~15-20 bits
    priority-sort | lstm | training | cost_bits | - | - | Fig 18: the LSTM at ~55 bits
"""


def _parse(line: str) -> Target:
    task, arch, case, metric, test, bound, why = (part.strip() for part in line.split("|"))
    return Target(task, arch, case, metric, None if test == "-" else test, None if bound == "-" else float(bound), why)


TARGETS = [_parse(line) for line in _TABLE.strip().splitlines()]


def targets_of(task: str) -> list[Target]:
    """The targets of one task, in the table's order."""
    return [target for target in TARGETS if target.task == task]

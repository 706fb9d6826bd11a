"""docs/tasks.md, the encodings in words, agrees with the task classes it describes."""
import re

import torch

from helpers import ROOT
from ntmlib.tasks import TASKS, get_task

TEXT = (ROOT / "docs" / "tasks.md").read_text(encoding="utf-8")


def table_rows() -> dict[str, tuple[int, int, str]]:
    """task name -> (input width, output width, T) from the summary table."""
    rows = {}
    for line in TEXT.splitlines():
        match = re.match(r"\| \[.+?\]\(#[\w-]+\) \(`([\w-]+)`\) \| (\d+) / (\d+) \| .+? \| (.+?) \|", line)
        if match:
            rows[match[1]] = (int(match[2]), int(match[3]), match[4].strip("`"))
    return rows


def test_the_table_has_every_task_with_its_widths():
    rows = table_rows()
    assert set(rows) == set(TASKS)
    for name, (inputs, outputs, _) in rows.items():
        assert (inputs, outputs) == (TASKS[name].input_width, TASKS[name].output_width), name


def test_the_table_s_step_counts_are_the_batches():
    rows = table_rows()
    for name, sizes, T in [("copy", dict(min_length=7, max_length=7), 2 * 7 + 1),
                           ("repeat-copy", dict(min_length=3, max_length=3, min_repeats=4, max_repeats=4), 3 + 1 + 12 + 1),
                           ("associative-recall", dict(min_items=5, max_items=5), 4 * 5 + 8),
                           ("ngrams", {}, 200), ("priority-sort", {}, 37)]:
        assert get_task(name, **sizes).batch(1, torch.Generator().manual_seed(0)).x.shape[1] == T, name
        assert rows[name][2] in {"2L + 1", "L + 1 + RL + 1", "4K + 8", str(T)}, name


def test_every_section_the_tasks_point_to_exists():
    headings = set(re.findall(r"^## (.+)$", TEXT, flags=re.M))
    pointers = {(path.name, section) for path in (ROOT / "ntmlib" / "tasks").glob("*.py")
                for section in re.findall(r'docs/tasks\.md, "([^"]+)"', path.read_text(encoding="utf-8"))}
    assert {section for _, section in pointers} == headings  # every task points to its section
    for name, section in pointers:
        assert section in headings, f"{name} points to a section {section!r} that docs/tasks.md lacks"

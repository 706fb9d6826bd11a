"""The live models on the built site: the trained NTM runs in the page, follows its input
editor and interventions with ntmlib's numbers, and no request leaves localhost.

On each task chapter with a live explorer, with real input events only (clicks on
buttons, presets, checkboxes and input cells, option picks, arrow keys and a mouse drag
on the length slider), at least 30 inputs; after each: the drawing changed, and the
page's output probabilities and read and write weightings at every step equal ntmlib's
float64 trace of the page's own input with the page's own interventions and weights
(max |difference| <= 1e-4). The guided experiments of the chapter's "Try it" section
show what its prose says. Zero console errors, zero page errors.
"""
from __future__ import annotations

import numpy as np
import pytest
import torch

from explorer_page import wait_for_explorers
from ntmlib.book.widgets.live import encode_example
from ntmlib.book.widgets.live_model import interventions_from_dicts, model_from_view, reference_trace

pytestmark = pytest.mark.browser

LIVE_PAGES = {"chapters/07_copy": "copy", "chapters/08_repeat_copy": "repeat-copy"}
TOLERANCE = 1e-4
INPUTS = 30

RUN = """(k) => {
  const el = window.ntmTest.explorers()[k], r = el.ntmRun;
  return {example: r.example, interventions: r.interventions, draws: el.ntm.draws, t: el.ntm.values.t,
          summary: el.querySelector('.ntm-summary').textContent, mask: Array.from(r.run.mask),
          output: Array.from(r.trace.output), read: Array.from(r.trace.read_weightings),
          write: Array.from(r.trace.write_weightings)};
}"""


class Checker:
    """Compares what the page ran with ntmlib, for the model rebuilt from the page's weights."""

    def __init__(self, page, k, task, data):
        self.page, self.k, self.task = page, k, task
        self.model = model_from_view(data["config"], data["tensors"])
        self.checked, self.worst = 0, 0.0

    def run(self) -> dict:
        return self.page.evaluate(RUN, self.k)

    def fingerprint(self) -> str:
        return self.page.evaluate("(k) => window.ntmTest.fingerprint(k)", self.k)

    def check(self, run: dict, label: str) -> dict:
        x, y, mask = encode_example(self.task, run["example"])
        trace = reference_trace(self.model, x, interventions_from_dicts(run["interventions"]))
        want = {"output": torch.sigmoid(trace.logits), "read": trace.read_weightings, "write": trace.write_weightings}
        for name, value in want.items():
            got, value = np.asarray(run[name]), value[0].numpy().ravel()
            assert got.shape == value.shape, f"{label}: {name} has shape {got.shape}, ntmlib {value.shape}"
            diff = float(np.max(np.abs(got - value)))
            assert diff <= TOLERANCE, f"{label}: the page's {name} is off ntmlib by {diff:.3g}"
            self.worst = max(self.worst, diff)
        wrong = int((((trace.logits > 0) != (y > 0.5)) & (mask[..., None] > 0)).sum())
        assert f"{wrong} bit error(s)" in run["summary"], f"{label}: the page says {run['summary']!r}, ntmlib {wrong}"
        self.checked += 1
        run["bit_errors"] = wrong
        return run

    def after(self, action, label: str) -> dict:
        """Do ``action`` (real input events); the page must redraw, changed, with ntmlib's numbers."""
        before, drawing = self.run(), self.fingerprint()
        action()
        self.page.wait_for_function("([k, n]) => window.ntmTest.explorers()[k].ntm.draws > n",
                                    arg=[self.k, before["draws"]])
        run = self.run()
        if (run["example"], run["interventions"]) != (before["example"], before["interventions"]):
            # a preset equal to the current input changes nothing to draw; any other edit must
            assert self.fingerprint() != drawing, f"{label}: the drawing did not change"
        return self.check(run, label)


def copy_events(page, checker: Checker, explorer) -> list[str]:
    """Copy: presets, arrow keys and a drag on the length; guided experiments 1-3."""
    button = lambda name: explorer.get_by_role("button", name=name, exact=True)  # noqa: E731
    run = checker.after(lambda: button("L = 120").click(), "preset L = 120")
    assert len(run["example"]["bits"]) == 120 and run["bit_errors"] <= 10, "guided experiment 1: L = 120 copies"
    length = explorer.locator("input[name=length]")
    press(page, checker, length, "ArrowLeft", 3)
    assert len(checker.run()["example"]["bits"]) == 117 and length.get_attribute("aria-valuetext") == "length 117"
    box = length.bounding_box()

    def drag():
        page.mouse.move(box["x"] + box["width"] - 4, box["y"] + box["height"] / 2)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] / 2, steps=6)
        page.mouse.up()

    dragged = len(checker.after(drag, "dragging the length")["example"]["bits"])
    assert 20 <= dragged <= 60, dragged
    flip_cell(page, checker, explorer)
    checker.after(lambda: button("L = 120").click(), "preset L = 120 again")
    for name in ("shift forced to 0", "γ = 1 (no sharpening)"):
        box_ = explorer.get_by_label(name)
        run = checker.after(lambda: box_.check(), f"ticking {name}")
        assert run["bit_errors"] > 200, f"guided experiment 2: {name} should break the copy ({run['bit_errors']})"
        checker.after(lambda: box_.uncheck(), f"unticking {name}")
    gate = explorer.locator("select[name=gate]")
    run = checker.after(lambda: gate.select_option(label="1 (content only)"), "gate 1")
    assert run["bit_errors"] > 200, "guided experiment 3: content only breaks the copy"
    checker.after(lambda: gate.select_option(label="learned"), "gate learned")
    peak = explorer.get_by_label("write only at the strongest location")
    run = checker.after(lambda: peak.check(), "write only at the strongest location")
    assert run["bit_errors"] <= 10, "guided experiment 3: focused writes change nothing"
    return ["L = 10", "L = 20", "L = 30", "L = 50"]


def end_marker_early(run: dict, width: int) -> int | None:
    """Steps before the last one at which the page's output first raises the end marker."""
    steps = [t for t, m in enumerate(run["mask"]) if m > 0]
    raised = [t for t in steps if run["output"][t * width + 8] > 0.5]
    return None if not raised else steps[-1] - raised[0]


def repeat_copy_events(page, checker: Checker, explorer) -> list[str]:
    """Repeat copy: presets (paper Fig. 8's cases), arrow keys on R; guided experiments 1-3."""
    button = lambda name: explorer.get_by_role("button", name=name, exact=True)  # noqa: E731
    checker.after(lambda: button("L = 5, R = 5").click(), "preset L = 5, R = 5")
    run = checker.after(lambda: button("R = 15").click(), "preset R = 15")
    assert run["example"]["repeats"] == 15 and len(run["example"]["bits"]) == 5
    assert (end_marker_early(run, 9) or 0) > 0, "guided experiment 1: the end marker comes early at R = 15"
    repeats = explorer.locator("input[name=repeats]")
    press(page, checker, repeats, "ArrowRight", 2)
    assert checker.run()["example"]["repeats"] == 17 and repeats.get_attribute("aria-valuetext") == "repeats 17"
    press(page, checker, explorer.locator("input[name=length]"), "ArrowRight", 1)
    assert len(checker.run()["example"]["bits"]) == 6
    for preset in ("L = 10, R = 20", "L = 20, R = 10"):
        run = checker.after(lambda: button(preset).click(), f"preset {preset}")
    flip_cell(page, checker, explorer)
    shift = explorer.get_by_label("shift forced to 0")
    run = checker.after(lambda: shift.check(), "shift forced to 0")
    assert run["bit_errors"] > 300, f"guided experiment 3: no shift breaks the loop ({run['bit_errors']})"
    checker.after(lambda: shift.uncheck(), "shift back")
    gate = explorer.locator("select[name=gate]")
    checker.after(lambda: gate.select_option(label="0 (location only)"), "gate 0")
    gamma = explorer.get_by_label("γ = 1 (no sharpening)")
    checker.after(lambda: gamma.check(), "gamma 1 and gate 0")
    # back to the learned gate and sharpening: with the gate at 0, no content key can matter
    checker.after(lambda: gate.select_option(label="learned"), "gate learned, gamma 1")
    checker.after(lambda: gamma.uncheck(), "no intervention")
    return ["L = 5, R = 5", "R = 15", "L = 10, R = 20"]


TASK_EVENTS = {"copy": copy_events, "repeat-copy": repeat_copy_events}


def press(page, checker: Checker, control, key: str, times: int) -> None:
    """Arrow keys on a range input: each press is an edit the page must follow."""
    def keys():
        control.focus()
        for _ in range(times):
            page.keyboard.press(key)
    checker.after(keys, f"{key} x{times} on {control.get_attribute('name')}")


def edit_with_events(page, checker: Checker, explorer) -> None:
    """The task's own events, an intervention on one head, then random inputs and presets
    until INPUTS runs were checked."""
    presets = TASK_EVENTS[checker.task](page, checker, explorer)
    explorer.locator("select[name=heads]").select_option(index=1)
    checker.after(lambda: explorer.locator("select[name=beta_cap]").select_option(label="1"), "beta <= 1 on head 0")
    for i in range(INPUTS):
        name = presets[i % len(presets)] if i % 3 == 0 else "new random bits"
        checker.after(lambda: explorer.get_by_role("button", name=name, exact=True).click(), f"input {i}: {name}")
        if checker.checked >= INPUTS:
            break


def flip_cell(page, checker: Checker, explorer) -> None:
    """A click on input cell (step 2, channel 3) flips that bit and nothing else."""
    before = checker.run()["example"]["bits"]
    where = page.evaluate("""(k) => {
      const p = window.ntmTest.explorers()[k].ntmInputPlot();
      return [p.x0 + 2.5 * p.cellW, p.y0 + 3.5 * p.cellH];
    }""", checker.k)
    run = checker.after(lambda: page.mouse.click(*where), "clicking input cell (2, 3)")
    after = run["example"]["bits"]
    changed = [(t, j) for t in range(len(before)) for j in range(8) if before[t][j] != after[t][j]]
    assert changed == [(2, 3)], changed


def time_slider_and_play(page, checker: Checker, explorer) -> None:
    """The replay of the page's run: Play animates, the drawn step is the run's step."""
    play = explorer.get_by_role("button", name="play")
    page.evaluate("(k) => window.ntmTest.apply(k, [{t: 0}])", checker.k)
    play.click()
    page.wait_for_function("(k) => window.ntmTest.explorers()[k].ntm.values.t >= 2", arg=checker.k, timeout=15_000)
    play.click()
    run, stage = checker.run(), page.evaluate("(k) => window.ntmTest.snapshot(window.ntmTest.explorers()[k])", checker.k)
    t, n, width = stage["values"]["t"], checker.model.memory_size, checker.model.output_width
    writes = checker.model.num_write_heads
    np.testing.assert_allclose(stage["stages"]["write_full"], run["write"][t * n * writes:(t * writes + 1) * n], atol=1e-6)
    np.testing.assert_allclose(stage["stages"]["output"], run["output"][t * width:(t + 1) * width], atol=1e-6)


@pytest.mark.parametrize("docname", list(LIVE_PAGES))
def test_live_model_follows_its_editor_with_ntmlib_numbers(explorer_page, base_url, docname):
    page = explorer_page
    response = page.goto(f"{base_url}/{docname}.html", wait_until="load")
    assert response is not None and response.status == 200, f"{docname}: no page; run `make book`"
    wait_for_explorers(page, 1)
    kinds = page.evaluate("() => window.ntmTest.explorers().map((el) => el.ntm.kind)")
    k = kinds.index("live")
    data = page.evaluate("(k) => window.ntmTest.explorers()[k].ntmData", k)
    checker = Checker(page, k, LIVE_PAGES[docname], data)
    explorer = page.locator(".ntm-explorer").nth(k)
    checker.check(checker.run(), "as loaded")
    edit_with_events(page, checker, explorer)
    time_slider_and_play(page, checker, explorer)
    assert checker.checked >= INPUTS
    print(f"{docname}: {checker.checked} runs checked, max |page - ntmlib| = {checker.worst:.2e}")
    problems = page.problems + [f"external request {url}" for url in page.external]
    assert not problems, "\n".join(problems)

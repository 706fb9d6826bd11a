"""The explorers on the built site follow their sliders, with ntmlib's numbers, and no kernel.

Each explorer page of _build/html is served from 127.0.0.1 to headless Chromium, with
every request that leaves localhost recorded and aborted (there must be none). Then, for
every explorer on the page:

- real input events (Playwright's mouse and keyboard): a readout typed into, a slider
  handle moved with the arrow keys and one dragged with the mouse, chapter 4's step
  button, chapter 3's row picker, the replays' Play button; after each the canvases
  must have changed and the drawn numbers must equal ntmlib's;
- at least 200 settings (the edges first: beta 0 and its maximum, g 0 and 1, one-hot,
  blurry and all-zero shifts, gamma 1 and its maximum, a zero key, ... then random ones),
  entered through the sliders' readouts with keydown events in one page session; for
  each, the weightings the page drew (``el.ntm.stages``) are compared with ntmlib
  (ntmlib.addressing / ntmlib.memory in float64): max |difference| <= 1e-5;
- for the replays, the drawn step equals the recorded trace at that step (the trace the
  page carries is model.trace's, bit for bit: tests/book/test_replay.py).

Zero console errors and zero page errors on every explorer page. The explorers of chapters 7
and 8 run the trained model live in the page: tests/book/test_browser_live.py checks them.
"""
from __future__ import annotations

import numpy as np
import pytest

from explorer_page import expected, max_difference, page_views, unpack, wait_for_explorers

pytestmark = pytest.mark.browser

EXPLORER_PAGES = {
    "chapters/02_memory": ["write"],
    "chapters/03_content_addressing": ["content"],
    "chapters/04_location_addressing": ["addressing"],
    "chapters/05_controllers_and_heads": ["scalar"],
    "chapters/09_associative_recall": ["replay"],
    "chapters/10_ngrams": ["replay"],
    "chapters/11_priority_sort": ["replay"],
}
SETTINGS = 200
TOLERANCE = 1e-5


# ------------------------------------------------------------------------------ settings
def slider_ranges(page, k) -> dict[str, tuple[float, float, bool, float]]:
    """name -> (min, max, integer, step) of explorer k's sliders, from the page's widget state."""
    return page.evaluate("""(k) => {
      const all = {};
      for (const s of document.querySelectorAll('script[type="application/vnd.jupyter.widget-state+json"]'))
        Object.assign(all, JSON.parse(s.textContent).state);
      const refs = window.ntmTest.explorers()[k].ntmSliders, out = {};
      for (const [name, ref] of Object.entries(refs)) {
        const m = all[ref.replace(/^IPY_MODEL_/, '')];
        out[name] = [m.state.min, m.state.max, m.model_name === 'IntSliderModel', m.state.step];
      }
      return out;
    }""", k)


def edge_settings(kind: str, ranges: dict, data: dict) -> list[dict]:
    top = {name: high for name, (low, high, *_) in ranges.items()}
    bottom = {name: low for name, (low, high, *_) in ranges.items()}
    if kind == "addressing":
        shifts = data["shift_names"]
        one_hot = [{s: float(s == hot) for s in shifts} for hot in shifts]
        return [{"beta": 0.0}, {"beta": top["beta"]}, {"g": 0.0}, {"g": 1.0}, *one_hot,
                {s: 0.5 for s in shifts}, {s: 0.0 for s in shifts}, {"gamma": 1.0}, {"gamma": top["gamma"]},
                {"beta": top["beta"], "g": 1.0, "gamma": top["gamma"], **one_hot[-1]},
                {"beta": 0.0, "g": 0.0, "gamma": 1.0, **{s: 0.5 for s in shifts}}, bottom, top]
    if kind == "content":
        keys = data["key_names"]
        zero = {name: 0.0 for name in keys}
        memory = unpack(data["memory"])
        rows = [{name: float(v) for name, v in zip(keys, row)} for row in memory[:4]]
        return [{"beta": 0.0}, {"beta": top["beta"]}, zero, {**zero, "beta": top["beta"]}, *rows, bottom, top]
    if kind == "write":
        return [{"focus": 0.0}, {"focus": 1.0}, {"erase": 0.0}, {"erase": 1.0}, {"add": -1.0}, {"add": 1.0},
                {"location": 0}, {"location": top["location"]}, bottom, top]
    if kind == "scalar":
        k = data["max_shift"]
        return [{"x": float(x)} for x in (-k, k, 0, 0.5, -0.5, 1, -1, k - 0.25, -k + 0.25)]
    if kind == "replay":
        return [{"t": t} for t in range(data["steps"])]
    raise ValueError(kind)


def random_settings(ranges: dict, count: int, seed: int) -> list[dict]:
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(count):
        setting = {}
        for name, (low, high, integer, _) in ranges.items():
            setting[name] = int(rng.integers(low, high + 1)) if integer else round(float(rng.uniform(low, high)), 6)
        out.append(setting)
    return out


def all_settings(kind, ranges, data, seed=0) -> list[dict]:
    edges = edge_settings(kind, ranges, data)
    return edges + random_settings(ranges, max(0, SETTINGS - len(edges)), seed)


# ------------------------------------------------------------------------------ checks
def check_drawn(kind: str, data: dict, snapshot: dict, label: str) -> None:
    """What the page drew equals what ntmlib computes for the values it drew with."""
    stages = snapshot["stages"]
    want = expected(kind, data, snapshot["values"], previous=stages.get("previous"))
    worst, where = max_difference(stages, want)
    assert worst <= TOLERANCE, f"{label}: the page drew {where} off ntmlib by {worst:.3g} (values {snapshot['values']})"


def snapshot(page, k) -> dict:
    return page.evaluate("(k) => window.ntmTest.snapshot(window.ntmTest.explorers()[k])", k)


def fingerprint(page, k) -> str:
    return page.evaluate("(k) => window.ntmTest.fingerprint(k)", k)


def locate(page, k, name):
    """The slider element of explorer k named ``name`` (a Playwright locator)."""
    index = page.evaluate("""([k, name]) => {
      const el = window.ntmTest.sliderElements(k)[name];
      return [...document.querySelectorAll('.widget-slider')].indexOf(el);
    }""", [k, name])
    assert index >= 0, f"no slider {name!r} on the page"
    return page.locator(".widget-slider").nth(index)


def moved(page, k, kind, data, action, label) -> tuple[dict, dict]:
    """Run ``action`` (input events); the explorer must redraw, changed, with ntmlib's
    numbers. Returns what it drew before and after."""
    before_print, before = fingerprint(page, k), snapshot(page, k)
    action()
    page.wait_for_function("([k, n]) => window.ntmTest.explorers()[k].ntm.draws > n", arg=[k, before["draws"]])
    after = snapshot(page, k)
    assert after["values"] != before["values"] or label.startswith("button"), f"{label}: no value changed"
    assert fingerprint(page, k) != before_print, f"{label}: the figure did not change"
    check_drawn(kind, data, after, label)
    return before, after


def slider_events(page, k, kind, data) -> None:
    """Mouse and keyboard on the sliders, as a reader: typing into a readout, arrow keys
    on a handle, dragging it; each move redraws with ntmlib's numbers."""
    names = list(page.evaluate("(k) => Object.keys(window.ntmTest.explorers()[k].ntmSliders)", k))
    ranges = slider_ranges(page, k)
    first = names[0] if kind != "addressing" else "beta"
    low, high, integer, step = ranges[first]
    now = snapshot(page, k)["values"][first]
    typed = low + 0.37 * (high - low) if abs(now - (low + 0.37 * (high - low))) > step else low + 0.8 * (high - low)
    typed = str(int(round(typed)) if integer else round(typed, 3))
    readout = locate(page, k, first).locator(".widget-readout")

    def type_value():
        readout.click()
        page.keyboard.press("Control+A")
        page.keyboard.type(typed)
        page.keyboard.press("Enter")

    moved(page, k, kind, data, type_value, f"typing {typed} into {first}")
    handle = locate(page, k, names[-1]).locator(".noUi-handle")

    def arrows():
        handle.focus()
        low, high, *_ = ranges[names[-1]]
        key = "ArrowLeft" if snapshot(page, k)["values"][names[-1]] >= (low + high) / 2 else "ArrowRight"
        for _ in range(3):
            page.keyboard.press(key)

    moved(page, k, kind, data, arrows, f"arrow keys on {names[-1]}")
    box = handle.bounding_box()

    def drag():
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] / 2 + 40, box["y"] + box["height"] / 2, steps=5)
        page.mouse.up()

    if ranges[names[-1]][1] - ranges[names[-1]][0] > 2 or not ranges[names[-1]][2]:
        moved(page, k, kind, data, drag, f"dragging {names[-1]}")


def control_events(page, k, kind, data) -> None:
    """Each explorer's other controls, clicked: chapter 4's step and reset buttons (one
    redraw each), chapter 3's row picker, the replays' Play button."""
    explorer = page.locator(".ntm-explorer").nth(k)
    if kind == "addressing":
        page.evaluate("(k) => window.ntmTest.apply(k, [{g: 0, gamma: 1}])", k)  # a pure shift: the focus travels
        stepped = snapshot(page, k)["stages"]["sharpened"]
        button = explorer.get_by_role("button", name="step: w(t-1) := w(t)")
        before, after = moved(page, k, kind, data, lambda: button.click(), "button step")
        np.testing.assert_allclose(after["stages"]["previous"], stepped, atol=1e-12)
        assert after["draws"] == before["draws"] + 1, "the step button redrew more than once"
        reset = explorer.get_by_role("button", name="reset w(t-1)")
        before, after = moved(page, k, kind, data, lambda: reset.click(), "button reset")
        np.testing.assert_allclose(after["stages"]["previous"], data["initial_previous"], atol=1e-12)
        assert after["draws"] == before["draws"] + 1, "the reset button redrew more than once"
    if kind == "content":
        select = page.locator("select").nth(page.evaluate("""(k) => [...document.querySelectorAll('select')].indexOf(
          window.ntmTest.explorers()[k].closest('.widget-vbox').querySelector('select'))""", k))
        _, after = moved(page, k, kind, data, lambda: select.select_option(label="row 3"), "picking row 3")
        step = slider_ranges(page, k)[data["key_names"][0]][3]  # the key sliders hold the row on their steps
        np.testing.assert_allclose(after["stages"]["key"], unpack(data["memory"])[3], atol=step / 2 + 1e-9)
    if kind == "replay":
        play = explorer.get_by_role("button", name="play")
        page.evaluate("(k) => window.ntmTest.apply(k, [{t: 0}])", k)
        before_print = fingerprint(page, k)
        play.click()
        page.wait_for_function("(k) => window.ntmTest.explorers()[k].ntm.values.t >= 2", arg=k, timeout=15_000)
        play.click()  # pause
        after = snapshot(page, k)
        assert after["values"]["t"] >= 2 and fingerprint(page, k) != before_print, "Play did not animate"
        check_drawn(kind, data, after, "Play")


@pytest.mark.parametrize("docname", list(EXPLORER_PAGES))
def test_explorers_follow_their_sliders_with_ntmlib_numbers(explorer_page, base_url, docname):  # noqa: F811
    page = explorer_page
    response = page.goto(f"{base_url}/{docname}.html", wait_until="load")
    assert response is not None and response.status == 200, f"{docname}: no page; run `make book`"
    kinds = EXPLORER_PAGES[docname]
    wait_for_explorers(page, len(kinds))
    views = page_views(page)
    assert [v["kind"] for v in views] == kinds
    for k, view in enumerate(views):
        kind, data = view["kind"], view["data"]
        check_drawn(kind, data, snapshot(page, k), "as loaded")
        slider_events(page, k, kind, data)
        control_events(page, k, kind, data)
        ranges = slider_ranges(page, k)
        settings = all_settings(kind, ranges, data)
        assert len(settings) >= SETTINGS
        drawn = page.evaluate("([k, s]) => window.ntmTest.apply(k, s)", [k, settings])
        for index, (setting, snap) in enumerate(zip(settings, drawn)):
            for name, value in setting.items():  # the slider took the value (within its range, on its steps)
                low, high, _, step = ranges[name]
                assert abs(snap["values"][name] - min(max(value, low), high)) <= step / 2 + 1e-9, (index, name, snap)
            check_drawn(kind, data, snap, f"setting {index} {setting}")
    problems = page.problems + [f"external request {url}" for url in page.external]
    assert not problems, "\n".join(problems)

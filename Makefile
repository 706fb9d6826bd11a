# The two commands: `make book` and `make test` (see README.md).
# Both create .venv on first use and install the project into it.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
JOBS   ?= 2

.PHONY: book test browser-deps zoo results write-focus beyond ablations bench bench-explorers page-weight clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --upgrade pip -q
	$(PY) -m pip install -q -e '.[dev]'
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

## Build the HTML book offline into _build/html, executing every chapter.
book: $(STAMP)
	$(VENV)/bin/jupyter-book build . --builder html -W -n --keep-going
	@echo "book: $$(pwd)/_build/html/index.html"

## The whole test suite: unit tests, notebooks (nbval), the built book in headless Chromium.
test: book browser-deps
	$(PY) -m pytest tests chapters --nbval-lax -n $(JOBS) --dist loadscope

## Headless Chromium from Debian (no browser download), for the browser tests.
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "browser tests need Debian's chromium: sudo apt-get install chromium"; fi; }
	@command -v node >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs >/dev/null; \
	  else echo "the page's NTM test needs Node.js: sudo apt-get install nodejs"; fi; }

## Retrain the whole model zoo into data/ (about 4.9 hours on 2 cores; resumable).
zoo: $(STAMP)
	$(PY) tools/train_zoo.py
	$(PY) tools/results.py

## Re-evaluate the zoo into data/RESULTS.md (a few minutes).
results: $(STAMP)
	$(PY) tools/results.py

## The write-focus ablation of chapter 8 into data/repeat-copy/ablation.json (resumable).
write-focus: $(STAMP)
	$(PY) tools/write_focus.py

## Regenerate data/beyond/ for chapter 12 (resumable; only missing results are measured).
beyond: $(STAMP)
	$(PY) tools/beyond.py $(BEYOND_ARGS)

## Retrain the copy ablations (fixed gamma, fixed gate, no shift) into data/ablations/ for
## chapter 12 (about 15 min on one thread; resumable; runs under runs/ablations).
ablations: $(STAMP)
	nice -n 19 $(PY) tools/ablations.py $(ABLATION_ARGS)

## Throughput and time-to-converge benchmark (prints figures).
bench: $(STAMP)
	$(PY) -m ntmlib.bench

## The explorers' redraw latency in Chromium, slider input to redraw (prints figures; needs `make book`).
bench-explorers: $(STAMP) browser-deps
	$(PY) tools/bench_explorers.py

## Each page of _build/html: the files it loads and their total at gzip size (needs `make book`).
page-weight: $(STAMP)
	$(PY) tools/page_weight.py _build/html --parts --json _build/page_weight.json

clean:
	rm -rf _build .pytest_cache artifacts

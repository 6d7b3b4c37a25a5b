# Two commands do all set-up on a fresh clone:
#   make demo   install into .venv, then score a bundled rendered clip and write a visible result
#   make test   install into .venv (with test tools), then lint (ruff) and run the test suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

DEMO_CLIP     ?= samples/plank-side.mp4
DEMO_EXERCISE ?= forearm_plank
DEMO_OUT      ?= out/demo
# The demo's own history: a rendered mannequin's session must never land in a newcomer's real one.
DEMO_DB       ?= out/demo-history.sqlite3

.PHONY: demo test install browser xvfb clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/formcheck score $(DEMO_CLIP) --exercise $(DEMO_EXERCISE) --out $(DEMO_OUT) --db $(DEMO_DB)
	@echo
	@echo "Open $(DEMO_OUT)/report.html in a browser; the annotated video is $(DEMO_OUT)/annotated.mp4"
	@echo "What to expect: the demo clip is 16 s of a rendered mannequin holding a good plank for about 12 s,"
	@echo "so its longest hold is short of the plank's 20-60 s target by design; that is the clip's length,"
	@echo "not a fault. Your own clips are judged against the same target."
	@echo "The demo's session went into $(DEMO_DB), not your own history."

# The HTML report is checked in a real headless browser: Debian's Chromium, installed when missing
# and we may (root with apt); elsewhere that one test says how to install it.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "note: install Chromium to run the report rendering test"; fi; }

# Live coaching is tested in a real window on a virtual X display (Xvfb; xwd grabs the screen).
xvfb:
	@command -v Xvfb >/dev/null 2>&1 && command -v xwd >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq xvfb x11-apps >/dev/null; \
	  else echo "note: install Xvfb and x11-apps to run the live window tests"; fi; }

test: $(STAMP) browser xvfb
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) out

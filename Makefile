# hwemu: `make demo` and `make test` do all set-up on a fresh machine (Python 3.11, pip, gcc, make).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.hwemu-installed

.PHONY: demo test bench native clean

$(STAMP): setup.cfg pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[all]'
	touch $(STAMP)

# the translator's hot path compiled with mypyc into build/native (isa/native.py); a no-op when
# current, and the sources run if it fails
native: $(STAMP)
	HWEMU_PURE_PYTHON=1 $(PY) -c 'from isa.native import build; build()' \
		|| echo "hwemu: the mypyc build failed: the translator runs from its sources (slower)"

demo: native
	$(VENV)/bin/hwemu demo

test: native
	$(PY) -m pytest -q

bench: native
	$(PY) bench/dbt.py

clean:
	rm -rf $(VENV) build *.egg-info

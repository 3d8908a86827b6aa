# Two commands on a fresh machine: `make run` and `make test`. Each creates its own .venv.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip

.PHONY: run test test-faults bench browser clean

$(VENV)/.base: setup.cfg pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -qq --upgrade pip
	$(PIP) install -qq -e .
	touch $@

$(VENV)/.dev: $(VENV)/.base
	$(PIP) install -qq -e '.[dev]'
	touch $@

# Debian chromium for the browser tests; never a downloaded browser build.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "chromium could not be installed: browser tests will be skipped"; \
	  else echo "chromium not found: browser tests will be skipped"; fi; }

# promtool for the alert rules' check (tests/test_alert_rules.py): Debian's prometheus package, downloaded and
# extracted into the venv — its server is neither installed nor started. Without it that one test is skipped.
$(VENV)/bin/promtool: | $(VENV)/.base
	@if command -v promtool >/dev/null 2>&1; then ln -sf "$$(command -v promtool)" $@; \
	elif command -v apt-get >/dev/null 2>&1; then \
	  tmp=$$(mktemp -d); \
	  (cd $$tmp && { apt-get download -qq prometheus >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 && \
	     apt-get download -qq prometheus >/dev/null 2>&1; }; } && dpkg-deb -x prometheus_*.deb x) \
	    && cp $$tmp/x/usr/bin/promtool $@ || echo "promtool could not be fetched: the alert rules' promtool check will be skipped"; \
	  rm -rf $$tmp; \
	else echo "promtool not found: the alert rules' promtool check will be skipped"; fi

run: $(VENV)/.base
	$(VENV)/bin/ascolto up

# The suite in TEST_WORKERS processes (pytest-xdist), a test file to a process: much of it waits on the broker,
# a browser or a server, not on the CPU. TEST_WORKERS=0 runs it in this one process.
TEST_WORKERS ?= 2
test: $(VENV)/.dev browser $(VENV)/bin/promtool
	$(PY) -m pytest $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --dist loadfile)

# Fault injection against the real stack on loopback (root needed for the disk-full tmpfs scenarios).
test-faults: $(VENV)/.dev
	$(PY) -m pytest -m faults tests/faults

# Benchmarks (never timed tests): figures and ratios into docs/performance.md. wrk and hey are Debian packages.
bench: $(VENV)/.dev
	@command -v wrk >/dev/null && command -v hey >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk hey >/dev/null; \
	  else echo "install wrk and hey (Debian packages) first"; exit 1; fi; }
	$(PY) -m bench.run_all

clean:
	rm -rf $(VENV) var build *.egg-info

# rlhf-incentives — every set-up step is a dependency of the two main targets:
#   make reports   execute every notebook (full mode) and export reports/*.html + reports/index.html
#   make test      type-check, then run the mocha suite (which executes every notebook in quick mode)
# Other targets: make bench, make kernel (register tslab for your own JupyterLab),
# make build (compile src/ to dist/), make example, make clean.

SHELL := /bin/bash
.DEFAULT_GOAL := help
TSC := node node_modules/typescript/bin/tsc
TSX := node_modules/.bin/tsx
PYTHON_FILE := .cache/python
LOCAL_KERNEL := .jupyter/share/jupyter/kernels/tslab/kernel.json
SRC := $(shell find src -name '*.ts' 2>/dev/null)

.PHONY: help setup build reports reports-quick test typecheck bench bench-sweep bench-seeds kernel example clean format format-check explore

help:
	@echo "make reports   run every notebook (full mode) into reports/ (installs what it needs)"
	@echo "make test      type-check and run all tests, notebooks in quick mode (installs what it needs)"
	@echo "make bench     training speed per backend, wasm roofline share, cost slopes, PyTorch ratios"
	@echo "make explore   bundle the explorable report into reports/explore.html (also part of make reports)"
	@echo "make bench-sweep  runs/s of one sweep on 1 vs 2 worker threads"
	@echo "make bench-seeds  one claim's seeds (claim 1, quick) one after another vs on 2 worker threads"
	@echo "make kernel    register the tslab kernel for your own JupyterLab"
	@echo "make example   run examples/train-tabular-dpo.ts as a user's script would"
	@echo "make format    format src/, test/, scripts/, examples/ and notebook code cells (Prettier)"

# npm ci when the lockfile is newer than the installed tree.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

# A Python with nbclient/nbconvert/ipykernel (Debian packages when root; else instructions).
$(PYTHON_FILE): scripts/ensure-jupyter.sh
	@mkdir -p .cache
	@py=$$(scripts/ensure-jupyter.sh) && echo "$$py" > $@ && echo "Python for Jupyter: $$py"

# The tslab kernel, registered inside the project only (.jupyter/); nothing system-wide.
$(LOCAL_KERNEL): node_modules/.package-lock.json $(PYTHON_FILE)
	node_modules/.bin/tslab install --python="$$(cat $(PYTHON_FILE))" --prefix="$(CURDIR)/.jupyter" --binary="$(CURDIR)/node_modules/.bin/tslab" >/dev/null
	@test -f $@ && echo "tslab kernel registered in .jupyter/"

# Built into dist.tmp and swapped in, so a running notebook never sees a half-built dist/;
# dist/.built holds a hash of the sources, which `make reports` checks (it rebuilds a stale dist/).
dist/.built: node_modules/.package-lock.json tsconfig.json tsconfig.build.json scripts/build.ts $(SRC)
	$(TSX) scripts/build.ts

setup: node_modules/.package-lock.json $(PYTHON_FILE) $(LOCAL_KERNEL) dist/.built

build: dist/.built

reports: setup
	PYTHON="$$(cat $(PYTHON_FILE))" $(TSX) scripts/reports.ts

# Same as reports, quick budgets, into reports-quick/ (kept apart from the full reports).
reports-quick: setup
	PYTHON="$$(cat $(PYTHON_FILE))" $(TSX) scripts/reports.ts --quick --out reports-quick

typecheck: node_modules/.package-lock.json
	$(TSC) -p tsconfig.json --noEmit

test: setup typecheck
	@scripts/ensure-chromium.sh
	@scripts/ensure-redis.sh
	PYTHON="$$(cat $(PYTHON_FILE))" node_modules/.bin/mocha 'test/**/*.test.ts'

# Prettier (pinned, .prettierrc.json) over src/, test/, scripts/, examples/ and notebook code cells.
format: node_modules/.package-lock.json
	$(TSX) scripts/format.ts

format-check: node_modules/.package-lock.json
	$(TSX) scripts/format.ts --check

bench: dist/.built
	$(TSX) scripts/bench.ts

# The explorable report alone (make reports writes it too): one self-contained HTML file.
explore: node_modules/.package-lock.json
	$(TSX) scripts/explore.ts reports
# The same sweep on the worker pool with 1 and 2 threads: runs/s side by side.
bench-sweep: dist/.built
	$(TSX) scripts/bench-sweep.ts
# One claim's seeds one after another vs on 2 worker threads (claim 1, quick budget): wall time side by side.
bench-seeds: dist/.built
	$(TSX) scripts/bench-seeds.ts

# Registers tslab for your own Jupyter/JupyterLab (user-level kernelspec, pointing at this
# project's tslab), and builds dist/, which the notebooks import.
kernel: node_modules/.package-lock.json $(PYTHON_FILE) dist/.built
	node_modules/.bin/tslab install --python="$${PYTHON:-$$(cat $(PYTHON_FILE))}" --binary="$(CURDIR)/node_modules/.bin/tslab"
	@echo "Kernel 'tslab' registered for your user. Start JupyterLab in this folder and open notebooks/."

example: dist/.built
	node --import tsx examples/train-tabular-dpo.ts

clean:
	rm -rf dist dist.tmp .cache .jupyter reports/.build reports-quick

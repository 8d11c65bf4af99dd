# The README's two commands: `make demo` and `make test`. Both run setup first.
PY := .venv/bin/python
STAMP := .venv/.detlab-setup
CONFIG ?= configs/retinanet_r50_fpn.py
WORK_DIR ?= work_dirs/demo

.PHONY: setup demo test test-fast bench

setup: $(STAMP)

$(STAMP): pyproject.toml requirements/constraints.txt tools/setup_env.sh
	bash tools/setup_env.sh
	touch $(STAMP)

demo: $(STAMP)
	$(PY) tools/train.py $(CONFIG) --work-dir $(WORK_DIR)
	$(PY) tools/test.py $(CONFIG) $(WORK_DIR) --work-dir $(WORK_DIR)/test

test: $(STAMP)
	$(PY) -m pytest -q tests

# The fast tier: everything but the end-to-end runs marked slow.
test-fast: $(STAMP)
	$(PY) -m pytest -q -m "not slow" tests

bench: $(STAMP)
	$(PY) tools/benchmark_zoo.py

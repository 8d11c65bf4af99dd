# The README's two commands: `make demo` and `make test`. Both run setup first.
PY := .venv/bin/python
STAMP := .venv/.detlab-setup
# `make demo` trains the recipe planned for this machine's compute path
# (docs/time_to_accuracy.md): the demo where bf16 is native (AVX512-BF16 or
# AMX CPUs, recent GPUs), its 20-minute fp32 re-plan elsewhere. Expanded
# when the recipe runs, after setup; `make demo CONFIG=...` overrides it.
CONFIG ?= $(shell $(PY) -c "from custom_modules.engine.bf16_autocast_optim_wrapper import native_bf16 as n; print('configs/retinanet_r50_fpn.py' if n('cuda') or n('cpu') else 'configs/ablations/retinanet_r50_fpn_fp32_20min.py')")
WORK_DIR ?= work_dirs/demo

.PHONY: setup demo test test-fast bench

setup: $(STAMP)

$(STAMP): pyproject.toml requirements/constraints.txt tools/setup_env.sh
	bash tools/setup_env.sh
	touch $(STAMP)

demo: $(STAMP)
	@echo "make demo: $(CONFIG)"
	$(PY) tools/train.py $(CONFIG) --work-dir $(WORK_DIR)
	$(PY) tools/test.py $(CONFIG) $(WORK_DIR) --work-dir $(WORK_DIR)/test

test: $(STAMP)
	$(PY) -m pytest -q tests

# The fast tier: everything but the end-to-end runs marked slow.
test-fast: $(STAMP)
	$(PY) -m pytest -q -m "not slow" tests

bench: $(STAMP)
	$(PY) tools/benchmark_zoo.py

#!/usr/bin/env bash
# Creates .venv and installs the pinned stack into it. Idempotent: every step
# is skipped when what it installs is already there. Called by `make setup`.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
C=requirements/constraints.txt

# Keep a torch the interpreter already has (a CUDA build on a GPU machine, say)
# by letting the venv see the system site-packages.
if "$PY" -c "import torch" 2>/dev/null; then
  echo "[setup] using the interpreter's torch $("$PY" -c 'import torch; print(torch.__version__)')"
  [ -x .venv/bin/python ] || "$PY" -m venv --system-site-packages .venv
else
  [ -x .venv/bin/python ] || "$PY" -m venv .venv
fi
V=.venv/bin/python
pip() { "$V" -m pip --disable-pip-version-check "$@"; }

if ! "$V" -c "import torch" 2>/dev/null; then
  echo "[setup] installing torch (CPU wheel from the local disk on these machines)"
  pip install "$(grep '^torch==' $C)"
fi
pip install -q -c $C "setuptools>=77,<81" wheel "numpy>=2,<3" "mmengine==0.10.7" \
    pycocotools pytest matplotlib pyyaml scipy shapely terminaltables tqdm tensorboard

if ! "$V" -c "import mmcv.ops" 2>/dev/null; then
  echo "[setup] building mmcv 2.1.0 with compiled ops (about 20 min the first time; pip caches the wheel)"
  MMCV_WITH_OPS=1 MAX_JOBS=${MAX_JOBS:-$(nproc)} pip install --no-build-isolation -c $C "mmcv==2.1.0"
fi
"$V" -c "import mmdet" 2>/dev/null || pip install -q -c $C "mmdet==3.3.0"
# Editable install of custom_modules, without touching the pinned stack.
# Checked from / : in the repo root the folder itself is importable and would
# hide a missing install, which tools run from tools/ need.
(cd / && "$OLDPWD/$V" -c "import custom_modules" 2>/dev/null) \
  || pip install -q --no-deps --no-build-isolation -e .
"$V" -c "import mmcv.ops, mmdet, custom_modules; print('[setup] ok: mmcv', mmcv.__version__, 'mmdet', mmdet.__version__)"

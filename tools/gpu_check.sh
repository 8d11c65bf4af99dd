#!/usr/bin/env bash
# One prepared GPU check, sized for ~12 minutes on a 16-core H200 machine
# with a CUDA torch and nvcc already installed and no internet:
#
#   bash tools/gpu_check.sh --prepare     # here, with internet: fill wheelhouse/
#   bash tools/gpu_check.sh OUT_DIR       # there: build, train, time
#
# There it (1) builds mmcv 2.1.0 with its CUDA ops for Hopper, (2) trains the
# demo config for 300 iterations on the GPU, (3) times inference at 1333x800
# for RetinaNet, Faster R-CNN and RefineDet512 in fp32 and AMP (fp16
# autocast). Everything it measures goes to OUT_DIR: the log, the mmcv build's
# first error if it fails, the training's val_metrics.jsonl and
# gpu_inference.json. Each step runs even if an earlier one failed where it
# can, so one run says as much as possible.
set -uo pipefail
cd "$(dirname "$0")/.."
WHEELS=wheelhouse

if [ "${1:-}" = "--prepare" ]; then
  # Wheels (and mmcv's source) for what the GPU machine's torch lacks; the
  # device tool carries this folder (git-ignored) with the working tree.
  mkdir -p $WHEELS
  python3 -m pip download -d $WHEELS --no-deps "mmcv==2.1.0" --no-binary mmcv
  python3 -m pip download -d $WHEELS "mmengine==0.10.7" "mmdet==3.3.0" \
      pycocotools terminaltables shapely scipy "setuptools>=77,<81" wheel \
      --only-binary :all: --python-version 3.11 --platform manylinux2014_x86_64
  exit $?
fi

OUT=${1:?usage: bash tools/gpu_check.sh OUT_DIR | --prepare}
mkdir -p "$OUT"
exec > >(tee "$OUT/gpu_check.log") 2>&1
export PYTHONUNBUFFERED=1
START=$(date +%s)
stamp() { echo "[gpu_check +$(( $(date +%s) - START ))s] $*"; }

python3 -c "import torch; assert torch.cuda.is_available(), 'no CUDA'; print('torch', torch.__version__, 'cuda', torch.version.cuda, torch.cuda.get_device_name(0))" \
  || { stamp "no CUDA torch here: nothing to check"; exit 2; }
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv > "$OUT/nvidia_smi.csv" 2>&1

# The CUDA torch is the machine's own: keep it, install the rest beside it.
[ -x .venv-gpu/bin/python ] || python3 -m venv --system-site-packages .venv-gpu
V=.venv-gpu/bin/python
PIP="$V -m pip --disable-pip-version-check install --no-index --find-links $WHEELS"
stamp "installing mmengine, mmdet's dependencies from $WHEELS"
$PIP "setuptools>=77,<81" wheel "mmengine==0.10.7" pycocotools terminaltables shapely scipy

stamp "building mmcv 2.1.0 with CUDA ops (sm_90)"
if MMCV_WITH_OPS=1 FORCE_CUDA=1 TORCH_CUDA_ARCH_LIST=9.0 MAX_JOBS=16 \
     $PIP --no-build-isolation "mmcv==2.1.0" > "$OUT/mmcv_build.log" 2>&1; then
  stamp "mmcv built"
else
  stamp "mmcv build FAILED; first error:"
  grep -m1 -n -E "error:|Error" "$OUT/mmcv_build.log" | tee "$OUT/mmcv_first_error.txt"
fi
$PIP --no-deps "mmdet==3.3.0"
$V -m pip --disable-pip-version-check install --no-index --no-deps --no-build-isolation -e . > /dev/null
$V -c "import mmcv.ops, torch; from mmcv.ops import nms; b=torch.rand(8,4).cuda(); b[:,2:]+=1; nms(b, torch.rand(8).cuda(), 0.5); print('mmcv CUDA ops ok')" \
  || stamp "mmcv CUDA ops unusable"

stamp "training the demo config for 300 iterations"
$V tools/train.py configs/retinanet_r50_fpn.py --work-dir work_dirs/gpu_demo \
    --max-iters 300 --val-interval 100 \
    --cfg-options train_dataloader.num_workers=8 val_dataloader.num_workers=8
cp work_dirs/gpu_demo/val_metrics.jsonl work_dirs/gpu_demo/compute_path.json "$OUT/" 2>/dev/null
stamp "training done"

stamp "timing inference at 1333x800, fp32 and AMP"
$V -m custom_modules.analysis.gpu_inference "$OUT/gpu_inference.json" \
    configs/retinanet_r50_fpn.py configs/faster_rcnn_r50_fpn.py configs/refinedet512.py
stamp "done"

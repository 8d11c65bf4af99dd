#!/usr/bin/env bash
# Training on a Slurm cluster: srun starts one task per GPU and train.py
# (--launcher slurm) derives its rank and the master address from Slurm's
# environment variables.
#
#   bash tools/slurm_train.sh PARTITION JOB_NAME CONFIG WORK_DIR [train.py options...]
#   GPUS=16 bash tools/slurm_train.sh gpu frcnn \
#       configs/coco/faster_rcnn_r50_fpn_1x_coco.py work_dirs/frcnn
#
# Environment: GPUS (tasks in total, default 8), GPUS_PER_NODE (default
# min(GPUS, 8)), CPUS_PER_TASK (dataloader workers + 1 is a good value,
# default 5), SRUN_ARGS (extra srun options, e.g. "--time=48:00:00"), PYTHON
# (default python). Everything after WORK_DIR goes to tools/train.py as is.
set -euo pipefail

if [ "$#" -lt 4 ]; then
    echo "usage: bash $0 PARTITION JOB_NAME CONFIG WORK_DIR [train.py options...]" >&2
    exit 2
fi
PARTITION=$1
JOB_NAME=$2
CONFIG=$3
WORK_DIR=$4
shift 4

GPUS=${GPUS:-8}
# A job smaller than a node asks for only the GPUs it uses.
GPUS_PER_NODE=${GPUS_PER_NODE:-$((GPUS < 8 ? GPUS : 8))}
CPUS_PER_TASK=${CPUS_PER_TASK:-5}
SRUN_ARGS=${SRUN_ARGS:-}
PYTHON=${PYTHON:-python}
TOOLS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# SRUN_ARGS is split on spaces on purpose: it holds several srun options.
# shellcheck disable=SC2086
exec srun \
    --partition="$PARTITION" \
    --job-name="$JOB_NAME" \
    --gres=gpu:"$GPUS_PER_NODE" \
    --ntasks="$GPUS" \
    --ntasks-per-node="$GPUS_PER_NODE" \
    --cpus-per-task="$CPUS_PER_TASK" \
    --kill-on-bad-exit=1 \
    $SRUN_ARGS \
    "$PYTHON" -u "$TOOLS_DIR/train.py" "$CONFIG" \
    --work-dir="$WORK_DIR" --launcher slurm "$@"

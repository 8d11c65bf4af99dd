#!/usr/bin/env bash
# Multi-GPU training with torchrun, one process per GPU.
#
#   bash tools/dist_train.sh CONFIG GPUS [train.py options...]
#   bash tools/dist_train.sh configs/coco/faster_rcnn_r50_fpn_1x_coco.py 8
#
# Several machines: run the same command on each, with
#   NNODES=2 NODE_RANK=0|1 MASTER_ADDR=<ip of node 0> PORT=29500
# GPUS is the number of GPUs per machine. Everything after GPUS goes to
# tools/train.py unchanged (--work-dir, --resume, --amp, --cfg-options ...).
set -euo pipefail

if [ "$#" -lt 2 ]; then
    echo "usage: bash $0 CONFIG GPUS [train.py options...]" >&2
    exit 2
fi
CONFIG=$1
GPUS=$2
shift 2

NNODES=${NNODES:-1}
NODE_RANK=${NODE_RANK:-0}
MASTER_ADDR=${MASTER_ADDR:-127.0.0.1}
PORT=${PORT:-29500}
if ! command -v torchrun >/dev/null 2>&1; then
    echo "torchrun not found: activate the environment first" \
         "(source .venv/bin/activate)" >&2
    exit 127
fi
TOOLS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# torchrun starts GPUS processes and hands each its rank through environment
# variables; --launcher pytorch makes train.py read them and join the group.
exec torchrun \
    --nnodes="$NNODES" \
    --node_rank="$NODE_RANK" \
    --master_addr="$MASTER_ADDR" \
    --master_port="$PORT" \
    --nproc_per_node="$GPUS" \
    "$TOOLS_DIR/train.py" "$CONFIG" --launcher pytorch "$@"

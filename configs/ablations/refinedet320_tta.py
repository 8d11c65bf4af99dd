# RefineDet320+ on the embedded shapes dataset: configs/refinedet320.py with
# the multi-scale + flip test of _base_/tta/refinedet320_tta.py (256, 320,
# 416 and 512 px, each plain and flipped, merged by NMS at 0.45). It trains
# exactly like configs/refinedet320.py, so it tests that model's weights:
#
#   python tools/test.py configs/ablations/refinedet320_tta.py \
#       work_dirs/benchmark/refinedet320/epoch_1.pth --tta
#
# The question it answers: how much of the single-scale model's small-object
# deficit (docs/benchmark_notes.md) a larger test input recovers.
_base_ = [
    '../refinedet320.py',
    '../_base_/tta/refinedet320_tta.py',
]

# The demo recipe (configs/retinanet_r50_fpn.py) re-planned for 20 training
# minutes on 2 cores in fp32, the path of CPUs without native bf16 (AVX2
# only: most laptops). `make demo` picks it on such a CPU. The architecture
# is the demo's; what changes is how the 20 minutes are spent
# (docs/time_to_accuracy.md has its curve, docs/benchmark_notes.md the
# probes that chose it):
# - the fp32 levers of configs/ablations/retinanet_r50_fpn_fp32_levers.py
#   (batch 4, progressive resizing 128 -> 160 -> 192 px, GIoU box loss,
#   fused AdamW, no EMA), which says why each;
# - anchors are positive from IoU 0.4 and negative below 0.3 (the paper's
#   0.5 / 0.4 otherwise): every object gets more positive anchors, so each
#   step carries more box and class gradient per object, which is what a
#   from-scratch run short of steps lacks. Both seeds measured ended higher
#   and first validated at >= 50 AP no later than under 0.5 / 0.4
#   (docs/time_to_accuracy.md; docs/benchmark_notes.md, 2026-12-07; the
#   half-length probes that chose it: sweep fp32-recipe-probes in
#   docs/ablations.md);
# - 2150 iterations, validated every 215.
# Planned and timed on an AVX512-BF16 EPYC with oneDNN and ATen capped to
# AVX2. A real AVX2-only CPU (AMD Zen 3) steps slower than that cap, so
# there 50 AP comes later in minutes at the same iteration
# (docs/time_to_accuracy.md has the curves, docs/benchmark_notes.md the
# projection).
_base_ = './retinanet_r50_fpn_fp32_levers.py'
max_iters = 2150
val_interval = 215
warmup_iters = max_iters // 25
model = dict(
    train_cfg=dict(assigner=dict(pos_iou_thr=0.4, neg_iou_thr=0.3)))
train_cfg = dict(max_iters=max_iters, val_interval=val_interval)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0,
         end=warmup_iters),
    dict(type='CosineAnnealingLR', by_epoch=False, begin=warmup_iters,
         end=max_iters, T_max=max_iters - warmup_iters, eta_min_ratio=0.05)
]
default_hooks = dict(checkpoint=dict(interval=val_interval))

"""Inference latency at a fixed input size, in fp32 and under AMP autocast.

The embedded configs test at 192-512 px; published GPU latencies are quoted
at COCO's 1333x800. This times ``model.test_step`` on one synthetic image of
that size (batch 1, initial weights: the network's cost does not depend on
what it learned, though NMS load does a little), after warm-up, with the
device synchronised around each call so that the time is the kernels', not
the launch queue's. AMP is fp16 autocast on CUDA (bf16 on a CPU), as
``tools/train.py --amp`` trains.

    python -m custom_modules.analysis.gpu_inference OUT.json CONFIG...
"""
import json
import statistics
import time
from typing import Dict, List, Tuple

import torch


def synthetic_batch(size_hw: Tuple[int, int], device: str) -> dict:
    from mmdet.structures import DetDataSample
    h, w = size_hw
    sample = DetDataSample(metainfo=dict(
        img_shape=(h, w), ori_shape=(h, w), scale_factor=(1.0, 1.0),
        img_id=0, img_path='synthetic'))
    image = torch.randint(0, 256, (3, h, w), dtype=torch.uint8,
                          generator=torch.Generator().manual_seed(0))
    return dict(inputs=[image.to(device)], data_samples=[sample])


def build(config: str, device: str):
    from mmdet.registry import MODELS

    from custom_modules.apis.config import import_plugins, load_config
    cfg = load_config(config)
    import_plugins(cfg)
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    return model.to(device).eval()


def time_model(model, batch: dict, amp: bool, iters: int,
               warmup: int) -> List[float]:
    device = next(model.parameters()).device.type
    dtype = torch.float16 if device == 'cuda' else torch.bfloat16
    times = []
    with torch.no_grad(), torch.autocast(device, dtype=dtype, enabled=amp):
        for i in range(warmup + iters):
            if device == 'cuda':
                torch.cuda.synchronize()
            t0 = time.perf_counter()
            model.test_step(batch)
            if device == 'cuda':
                torch.cuda.synchronize()
            if i >= warmup:
                times.append((time.perf_counter() - t0) * 1000)
    return times


def measure(configs: List[str], size_hw=(800, 1333), iters: int = 30,
            warmup: int = 10, device: str = None) -> List[Dict]:
    device = device or ('cuda' if torch.cuda.is_available() else 'cpu')
    batch = synthetic_batch(size_hw, device)
    rows = []
    for config in configs:
        model = build(config, device)
        for amp in (False, True):
            try:
                ms = time_model(model, batch, amp, iters, warmup)
                rows.append(dict(config=config, amp=amp, device=device,
                                 size_hw=list(size_hw), iters=len(ms),
                                 ms_median=statistics.median(ms),
                                 ms_min=min(ms)))
            except RuntimeError as err:  # e.g. an fp32-only op under AMP
                rows.append(dict(config=config, amp=amp, device=device,
                                 error=str(err).splitlines()[0]))
        del model
        if device == 'cuda':
            torch.cuda.empty_cache()
    return rows


def main(argv=None) -> None:
    import argparse
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument('out')
    p.add_argument('configs', nargs='+')
    p.add_argument('--size', type=int, nargs=2, default=(800, 1333),
                   metavar=('H', 'W'))
    p.add_argument('--iters', type=int, default=30)
    p.add_argument('--warmup', type=int, default=10)
    args = p.parse_args(argv)
    from custom_modules.reporting import environment
    rows = measure(args.configs, tuple(args.size), args.iters, args.warmup)
    with open(args.out, 'w') as f:
        json.dump(dict(environment=environment(), results=rows), f, indent=1)
    for r in rows:
        what = (f"{r['ms_median']:.1f} ms" if 'ms_median' in r
                else f"failed: {r['error']}")
        print(f"{r['config']} {'amp' if r['amp'] else 'fp32'}: {what}")


if __name__ == '__main__':
    main()

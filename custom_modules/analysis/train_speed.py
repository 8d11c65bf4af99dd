"""Seconds per training iteration of one config under several variants
(fp32 against bf16 autocast, two image sizes, two batch sizes...), measured
so that the ratios can be trusted on a shared, noisy machine.

Every variant is built in the same process from the same config plus its own
overrides, starts from the same seeded weights and trains on the same
batches. The variants take turns iteration by iteration, so a burst of load
from another process slows all of them alike; the table reports medians.
"""
import ast
import copy
import statistics
import time
from typing import Dict, List, Optional, Tuple

import torch

from custom_modules.reporting import machine_table, markdown_table
from custom_modules.engine.channels_last_hook import to_channels_last
from custom_modules.engine.metrics_recorder_hook import training_precision


def parse_variant(text: str):
    """``'bf16:optim_wrapper.enabled=True,train_dataloader.batch_size=4'``
    -> ``('bf16', {...})``. Values are parsed as Python literals where they
    can be (numbers, True/False/None), else kept as strings."""
    name, colon, body = text.partition(':')
    if not colon:
        # Without the colon, 'fp32' and a mistyped 'optim_wrapper.enabled=0'
        # would both silently time the unmodified config.
        raise ValueError(f'variant {text!r} has no colon: write NAME:KEY=VALUE'
                         ',... (or NAME: for the config as it is)')
    if not name:
        raise ValueError(f'variant {text!r} has no name: write NAME:KEY=VALUE'
                         ',... (or NAME: for the config as it is)')
    options = {}
    for item in filter(None, body.split(',')):
        key, eq, value = item.partition('=')
        if not eq:
            raise ValueError(f'variant {name!r}: {item!r} is not KEY=VALUE')
        try:
            options[key.strip()] = ast.literal_eval(value.strip())
        except (ValueError, SyntaxError):
            options[key.strip()] = value.strip()
    return name, options


def _build(config: str, options: dict, seed: int,
           checkpoint: Optional[str] = None):
    from mmengine.optim import build_optim_wrapper
    from mmengine.runner import load_checkpoint
    from mmdet.registry import MODELS

    from custom_modules.apis.config import import_plugins, load_config
    cfg = load_config(config, options)
    import_plugins(cfg)
    torch.manual_seed(seed)
    model = MODELS.build(cfg.model)
    model.init_weights()
    if checkpoint:
        load_checkpoint(model, checkpoint, map_location='cpu',
                        logger='silent')
    model.train()
    optim_wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    # No Runner here, so no hooks: apply the one that changes the step's
    # speed, as the Runner would before the first iteration.
    if uses_channels_last(cfg):
        to_channels_last(model)
    return cfg, model, optim_wrapper


def uses_channels_last(cfg) -> bool:
    """Whether ``cfg`` trains with an enabled ``ChannelsLastHook``."""
    return any(h.get('type') == 'ChannelsLastHook' and h.get('enabled', True)
               for h in cfg.get('custom_hooks', []))


def _batches(cfg, count: int, seed: int) -> Tuple[List[dict], List[float]]:
    """``count`` collated training batches, and the seconds each took to
    load: the train pipeline's augmentation is CPU work that a loader worker
    does, on a core of its own or on the run's."""
    from mmengine.dataset import pseudo_collate
    from mmdet.registry import DATASETS
    dataset = DATASETS.build(cfg.train_dataloader.dataset)
    gen = torch.Generator().manual_seed(seed)
    size = cfg.train_dataloader.batch_size
    order = torch.randperm(len(dataset), generator=gen).tolist()
    batches, seconds = [], []
    for i in range(count):
        t0 = time.perf_counter()
        batches.append(pseudo_collate(
            [dataset[order[(i * size + j) % len(order)]]
             for j in range(size)]))
        seconds.append(time.perf_counter() - t0)
    return batches, seconds


def time_train_interleaved(config: str, variants: Dict[str, dict],
                           iters: int = 20, warmup: int = 3,
                           seed: int = 0,
                           checkpoint: Optional[str] = None) -> List[dict]:
    """Median seconds per ``model.train_step`` (forward, backward, update;
    data loading excluded) for each variant, with the first and last total
    loss so that a variant that is fast but does not learn shows it, and
    the median seconds that loading one batch took (``load_s_median``).
    ``checkpoint`` starts every variant from trained weights instead of its
    initialisation, for steps that cost what most of a run's steps cost
    (an untrained RPN, for one, hands its heads other proposals)."""
    built, loads = [], {}
    for name, options in variants.items():
        cfg, model, wrapper = _build(config, copy.deepcopy(options), seed,
                                     checkpoint)
        batches, loads[name] = _batches(cfg, iters + warmup, seed)
        built.append((name, cfg, model, wrapper, batches))
    times: Dict[str, List[float]] = {name: [] for name, *_ in built}
    losses: Dict[str, List[float]] = {name: [] for name, *_ in built}
    for i in range(iters + warmup):
        for name, cfg, model, wrapper, batches in built:
            t0 = time.perf_counter()
            log_vars = model.train_step(batches[i], wrapper)
            elapsed = time.perf_counter() - t0
            losses[name].append(float(log_vars['loss'].detach()))
            if i >= warmup:
                times[name].append(elapsed)
    rows = []
    for name, cfg, model, wrapper, _ in built:
        t = times[name]
        rows.append(dict(name=name, options=variants[name],
                         precision=training_precision(wrapper, model, 'cpu'),
                         batch_size=cfg.train_dataloader.batch_size,
                         iters=len(t), s_median=statistics.median(t),
                         s_mean=statistics.fmean(t),
                         loss_first=losses[name][0],
                         loss_last=losses[name][-1],
                         load_s_median=statistics.median(loads[name]),
                         torch_threads=torch.get_num_threads()))
    return rows


def isa_line() -> str:
    """The instruction sets of this process (MetricsRecorderHook's
    compute_path): ``ATEN_CPU_CAPABILITY=avx2 ONEDNN_MAX_CPU_ISA=AVX2`` make
    a CPU with AVX512 time the AVX2 path, and a page must say which one it
    timed."""
    from custom_modules.engine.metrics_recorder_hook import compute_path
    p = compute_path()
    onednn = p['onednn_max_isa']
    return (f"ATen {p['aten_isa']}, oneDNN "
            f"{'max' if onednn == 'default' else onednn}, {p['threads']} "
            f"threads, native bf16 {'yes' if p['native_bf16'] else 'no'}")


def render_markdown(config: str, rows: List[dict], env: Dict[str, str],
                    command: str) -> str:
    base = rows[0]['s_median']
    lines = ['# Training speed', '',
             f'Produced by `{command}`: `model.train_step` (forward, '
             'backward, optimizer update) on the same batches from the same '
             'initial weights, variants taking turns iteration by iteration '
             'in one process; data loading excluded. Config: '
             f'`{config}`.', '',
             *machine_table(env), '',
             f'Instruction sets this process computed with: {isa_line()}.',
             '']
    table = []
    for r in rows:
        opts = ' '.join(f'{k}={v}' for k, v in r['options'].items()) or '–'
        table.append([r['name'], f'`{opts}`', r['batch_size'], r['iters'],
                      f"{r['s_median']:.2f}", f"{r['s_mean']:.2f}",
                      f"{base / r['s_median']:.2f}",
                      f"{r['loss_first']:.3f} / {r['loss_last']:.3f}"])
    lines += markdown_table(
        ['variant', 'overrides', 'batch', 'iters timed', 'median s/iter',
         'mean s/iter', f"speed-up over {rows[0]['name']}",
         'loss at first / last iter'], table)
    return '\n'.join(lines) + '\n'

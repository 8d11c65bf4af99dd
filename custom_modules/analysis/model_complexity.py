"""Where does a detector spend its arithmetic? Multiply-accumulates (MACs)
per layer and per component, counted on a real forward pass.

**Why count.** On a CPU, and on a GPU at small batch, a detector's
inference time is dominated by its convolutions: the profiler puts 89-90%
of SSD300's and RefineDet320's CPU time in ``mkldnn_convolution``. Their
MACs therefore predict the ratio of two detectors' speeds before either is
trained, and say which component to blame. An example this project met:
RefineDet320 must run within 1.2x of SSD300's time, and it does 1.22x the
MACs (37.6 against 30.7 G), four fifths of the difference in the TCB's
first convolution on the stride-8 map (512 -> 256 channels, 3x3, 40x40:
1.89 G). No implementation trick gets under the bound that the
architecture sets; only fewer MACs do.

**How.** A forward hook on every ``Conv2d``, ``ConvTranspose2d`` and
``Linear`` records what the layer computed on this input:

* convolution: one MAC per weight per output position,
  ``N * H_out * W_out * C_out * (C_in / groups) * k_h * k_w``;
* transposed convolution: every *input* position is scattered through the
  whole kernel, ``N * H_in * W_in * C_in * (C_out / groups) * k_h * k_w``;
* linear: ``rows * in_features * out_features``, where rows is every
  leading dimension of the input (RoIs, for an R-CNN box head).

Counting on a real forward pass (not from the module list) counts what
actually runs: a layer called twice counts twice, a branch that is skipped
at test time counts zero, and an R-CNN head is counted for the number of
proposals it really receives. BN, activations, pooling, NMS and decoding
are left out; the profiler shows them at a few percent of the time.
"""
from collections import OrderedDict
from typing import Callable, Dict, List

import torch
from torch import nn


def _conv_macs(module: nn.Module, inputs, output) -> int:
    kh, kw = module.kernel_size
    if isinstance(module, nn.ConvTranspose2d):
        n, c_in, h, w = inputs[0].shape
        return (n * h * w * c_in * (module.out_channels // module.groups) *
                kh * kw)
    n, c_out, h, w = output.shape
    return n * h * w * c_out * (module.in_channels // module.groups) * kh * kw


def _linear_macs(module: nn.Linear, inputs, output) -> int:
    rows = inputs[0].numel() // module.in_features
    return rows * module.in_features * module.out_features


def layer_macs(model: nn.Module, run_forward: Callable[[], object]
               ) -> List[dict]:
    """Run ``run_forward()`` once with a hook on every convolution and
    linear layer of ``model``; one row per call, in call order:
    ``dict(name, type, output_shape, macs)``."""
    rows: List[dict] = []
    handles = []

    def hook_for(name):
        def hook(module, inputs, output):
            if isinstance(module, nn.Linear):
                macs = _linear_macs(module, inputs, output)
            else:
                macs = _conv_macs(module, inputs, output)
            rows.append(dict(name=name, type=type(module).__name__,
                             output_shape=tuple(output.shape), macs=macs))
        return hook

    for name, module in model.named_modules():
        if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
            handles.append(module.register_forward_hook(hook_for(name)))
    try:
        with torch.no_grad():
            run_forward()
    finally:
        for h in handles:
            h.remove()
    return rows


def group_macs(rows: List[dict], depth: int = 1) -> Dict[str, int]:
    """Sum rows by the first ``depth`` parts of their dotted name:
    ``depth=1`` gives backbone / neck / bbox_head (or rpn_head, roi_head),
    in the order the forward pass first reached them."""
    groups: Dict[str, int] = OrderedDict()
    for r in rows:
        key = '.'.join(r['name'].split('.')[:depth])
        groups[key] = groups.get(key, 0) + r['macs']
    return groups


def measure_config(config: str, checkpoint=None) -> dict:
    """MACs of one config's model in test mode, on the first image of its
    test split after the test pipeline (so the input size is the one the
    config really runs at)."""
    from custom_modules.apis.benchmark import build_for_timing
    model, samples = build_for_timing(config, checkpoint, 1)
    rows = layer_macs(model, lambda: model.test_step(samples[0]))
    # The shape the network sees: after resizing and the data
    # preprocessor's padding to its size divisor.
    with torch.no_grad():
        shape = tuple(model.data_preprocessor(samples[0], False)['inputs']
                      .shape[1:])
    return dict(config=config, input_shape=shape, layers=rows,
                weights='trained' if checkpoint else 'initial',
                components=group_macs(rows, 1),
                total_macs=sum(r['macs'] for r in rows),
                params=sum(p.numel() for p in model.parameters()))


def render_markdown(results: List[dict], env: Dict[str, str],
                    command: str, top: int = 5) -> str:
    """A page with the totals (and each total's ratio to the first
    config's), the split by component, and each model's most expensive
    layers."""
    from custom_modules.reporting import machine_table, markdown_table
    base = results[0]['total_macs']
    lines = ['# Model complexity', '',
             f'Produced by `{command}`: multiply-accumulates of every '
             'convolution, transposed convolution and linear layer on one '
             'forward pass in test mode, on the first val image after the '
             "config's test pipeline and the padding of its data "
             'preprocessor (custom_modules/analysis/'
             'model_complexity.py explains what is counted and why). '
             'G = 10^9. A two-stage detector\'s RoI head is counted for the '
             'proposals that survive its RPN, so it depends on the weights: '
             '"trained" is the config\'s benchmark checkpoint.', '',
             *machine_table(env), '',
             *markdown_table(
                 ['config', 'weights', 'padded input (C, H, W)', 'GMACs',
                  f"ratio to {_name(results[0]['config'])}", 'params (M)'],
                 [[_name(r['config']), r['weights'], r['input_shape'],
                   f"{r['total_macs'] / 1e9:.2f}",
                   f"{r['total_macs'] / base:.3f}",
                   f"{r['params'] / 1e6:.1f}"] for r in results]),
             '', '## By component', '',
             *markdown_table(
                 ['config', 'component', 'GMACs', 'share'],
                 [[_name(r['config']), comp, f'{macs / 1e9:.2f}',
                   f"{macs / r['total_macs']:.1%}"]
                  for r in results
                  for comp, macs in r['components'].items()]),
             '', f'## The {top} most expensive layers of each', '',
             *markdown_table(
                 ['config', 'layer', 'type', 'output shape', 'GMACs'],
                 [[_name(r['config']), row['name'], row['type'],
                   row['output_shape'], f"{row['macs'] / 1e9:.2f}"]
                  for r in results
                  for row in sorted(r['layers'],
                                    key=lambda x: -x['macs'])[:top]])]
    return '\n'.join(lines) + '\n'


def _name(config: str) -> str:
    return config.rsplit('/', 1)[-1].rsplit('.', 1)[0]

"""BF16AutocastOptimWrapper: the forward pass in bf16, the weights, gradients
and update in fp32, the hardware check behind enabled='auto', and --amp on a
CPU."""
import pytest
import torch
from mmengine.optim import build_optim_wrapper

import glob
import os
import os.path as osp

from conftest import REPO, shapes_overrides
from custom_modules.apis.config import import_plugins, load_config
from custom_modules.engine.bf16_autocast_optim_wrapper import (
    BF16AutocastOptimWrapper, native_bf16, onednn_bf16_cap)

EMBEDDED = sorted(osp.relpath(p, REPO)
                  for p in glob.glob(osp.join(REPO, 'configs', '*.py')))
# The 512 variants are the 300/320 architectures on a larger grid.
SINGLE_STAGE = [c for c in EMBEDDED if 'rcnn' not in c and '512' not in c]
TWO_STAGE = [c for c in EMBEDDED if 'rcnn' in c]


def _conv_and_wrapper(enabled):
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.ReLU())
    wrapper = BF16AutocastOptimWrapper(
        enabled=enabled, optimizer=torch.optim.SGD(model.parameters(), 0.1))
    return model, wrapper


def test_forward_in_bf16_update_in_fp32():
    model, wrapper = _conv_and_wrapper(True)
    before = model[0].weight.detach().clone()
    x = torch.randn(2, 3, 8, 8)
    with wrapper.optim_context(model):
        y = model(x)
    assert y.dtype == torch.bfloat16
    assert model(x).dtype == torch.float32  # outside the context: fp32
    loss = y.float().square().mean()
    wrapper.update_params(loss)
    w = model[0].weight
    assert w.dtype == torch.float32
    # SGD with lr 0.1 moved the fp32 weights by 0.1 * their fp32 gradient.
    assert not torch.equal(w.detach(), before)
    # The bf16 forward is the fp32 one to bf16's ~3 significant digits.
    with torch.no_grad():
        ref = torch.nn.functional.relu(torch.nn.functional.conv2d(
            x, before, model[0].bias))
    torch.testing.assert_close(y.float(), ref, atol=0.05, rtol=0.02)


def test_disabled_is_plain_fp32():
    model, wrapper = _conv_and_wrapper(False)
    with wrapper.optim_context(model):
        assert model(torch.randn(1, 3, 8, 8)).dtype == torch.float32


def _cpu_flags():
    try:
        with open('/proc/cpuinfo') as f:
            return f.read().split()
    except OSError:
        pytest.skip('no /proc/cpuinfo to check the hardware against')


def test_auto_follows_the_cpu_flags(monkeypatch):
    for var in ('ONEDNN_MAX_CPU_ISA', 'DNNL_MAX_CPU_ISA'):
        monkeypatch.delenv(var, raising=False)
    model, wrapper = _conv_and_wrapper('auto')
    flags = _cpu_flags()
    has_bf16 = 'avx512_bf16' in flags or 'amx_tile' in flags
    assert native_bf16('cpu') == has_bf16
    with wrapper.optim_context(model):
        y = model(torch.randn(1, 3, 8, 8))
    assert y.dtype == (torch.bfloat16 if has_bf16 else torch.float32)


@pytest.mark.parametrize('var,cap,capped', [
    ('ONEDNN_MAX_CPU_ISA', 'AVX2', True),
    ('ONEDNN_MAX_CPU_ISA', 'avx512_core', True),  # AVX512 without bf16
    ('DNNL_MAX_CPU_ISA', 'AVX2_VNNI', True),
    ('ONEDNN_MAX_CPU_ISA', 'AVX512_CORE_BF16', False),
    ('ONEDNN_MAX_CPU_ISA', 'avx512_core_amx', False),
    ('ONEDNN_MAX_CPU_ISA', 'ALL', False),
])
def test_a_onednn_cap_below_bf16_means_fp32(monkeypatch, var, cap, capped):
    # The AVX2 protocol (ONEDNN_MAX_CPU_ISA=AVX2 on an AVX512-BF16 machine)
    # must train the fp32 path of an AVX2 laptop, not emulated bf16.
    for v in ('ONEDNN_MAX_CPU_ISA', 'DNNL_MAX_CPU_ISA'):
        monkeypatch.delenv(v, raising=False)
    monkeypatch.setenv(var, cap)
    assert onednn_bf16_cap() == (cap if capped else None)
    flags = _cpu_flags()
    hardware = 'avx512_bf16' in flags or 'amx_tile' in flags
    assert native_bf16('cpu') == (hardware and not capped)
    model, wrapper = _conv_and_wrapper('auto')
    with wrapper.optim_context(model):
        y = model(torch.randn(1, 3, 8, 8))
    assert y.dtype == (torch.bfloat16 if hardware and not capped
                       else torch.float32)


def test_the_log_names_the_cap(monkeypatch):
    flags = _cpu_flags()
    if not ('avx512_bf16' in flags or 'amx_tile' in flags):
        pytest.skip('the cap only decides on a CPU with native bf16')
    monkeypatch.setenv('ONEDNN_MAX_CPU_ISA', 'AVX2')
    model, wrapper = _conv_and_wrapper('auto')
    logged = []
    monkeypatch.setattr(
        'custom_modules.engine.bf16_autocast_optim_wrapper.print_log',
        lambda msg, logger=None: logged.append(msg))
    assert wrapper.uses_bf16(model, 'cpu') is False
    assert logged == ['BF16AutocastOptimWrapper: training on cpu in fp32 '
                      '(oneDNN capped at AVX2 by ONEDNN_MAX_CPU_ISA: bf16 '
                      'would be emulated, slower than fp32)']


def test_rejects_a_bad_enabled_value():
    with pytest.raises(ValueError, match="enabled must be 'auto', True or "
                       "False, got 'yes'"):
        BF16AutocastOptimWrapper(enabled='yes', optimizer=torch.optim.SGD(
            torch.nn.Linear(1, 1).parameters(), 0.1))


def _train_step(config, tiny_shapes, enabled):
    """Total loss of one training step from seeded weights, and the model."""
    from mmengine.dataset import pseudo_collate
    from mmengine.runner import set_random_seed
    from mmdet.registry import DATASETS, MODELS
    # Python, numpy and torch: the pipeline's flips and the RoI samplers
    # must draw the same in both precisions.
    set_random_seed(0)
    cfg = load_config(config, shapes_overrides(tiny_shapes))
    cfg.optim_wrapper.type = 'BF16AutocastOptimWrapper'
    cfg.optim_wrapper.enabled = enabled
    import_plugins(cfg)
    model = MODELS.build(cfg.model)
    model.init_weights()
    model.train()
    wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    assert isinstance(wrapper, BF16AutocastOptimWrapper)
    data = DATASETS.build(cfg.train_dataloader.dataset)
    log_vars = model.train_step(
        pseudo_collate([data[0], data[1]]), wrapper)
    assert all(p.dtype == torch.float32 for p in model.parameters())
    return float(log_vars['loss'])


@pytest.mark.slow  # minutes where bf16 is emulated (no AVX512-BF16)
@pytest.mark.parametrize('config', SINGLE_STAGE)
def test_train_step_in_bf16_matches_fp32(config, tiny_shapes):
    """Every single-stage embedded detector takes the same step in both
    precisions: same weights, same batch, total loss within 3%."""
    fp32 = _train_step(config, tiny_shapes, False)
    bf16 = _train_step(config, tiny_shapes, True)
    assert bf16 == pytest.approx(fp32, rel=0.03)


@pytest.mark.slow  # an end-to-end run: make test, not test-fast
@pytest.mark.parametrize('config', TWO_STAGE[:1])
def test_two_stage_detectors_stay_fp32_on_cpu(config, tiny_shapes):
    # 'auto' trains them in fp32: the very same loss as plain fp32.
    assert _train_step(config, tiny_shapes, 'auto') == _train_step(
        config, tiny_shapes, False)
    with pytest.raises(RuntimeError, match='cannot train a two-stage '
                       'detector on a CPU'):
        _train_step(config, tiny_shapes, True)


def test_amp_flag_on_cpu_picks_bf16_or_says_why_not(tiny_shapes):
    from custom_modules.errors import UserError
    from custom_modules.apis.train import prepare_train_config
    if torch.cuda.is_available():
        pytest.skip('--amp means fp16 on a GPU; this checks the CPU path')
    kwargs = dict(amp=True, cfg_options=shapes_overrides(tiny_shapes))
    if native_bf16('cpu'):
        cfg = prepare_train_config('configs/retinanet_r50_fpn.py', **kwargs)
        assert cfg.optim_wrapper.type == 'BF16AutocastOptimWrapper'
        assert cfg.optim_wrapper.enabled is True
    else:
        with pytest.raises(UserError, match='needs native bf16'):
            prepare_train_config('configs/retinanet_r50_fpn.py', **kwargs)


def test_amp_flag_refuses_two_stage_on_cpu(tiny_shapes):
    from custom_modules.errors import UserError
    from custom_modules.apis.train import prepare_train_config
    if torch.cuda.is_available():
        pytest.skip('--amp means fp16 on a GPU; this checks the CPU path')
    with pytest.raises(UserError, match='RoI stage of FasterRCNN cannot take'):
        prepare_train_config('configs/faster_rcnn_r50_fpn.py', amp=True,
                             cfg_options=shapes_overrides(tiny_shapes))


@pytest.mark.parametrize('cap,native_recipe', [('AVX2', False),
                                                ('', None)])
def test_make_demo_picks_the_recipe_of_the_compute_path(cap, native_recipe):
    """`make demo` chooses its config with native_bf16: under the AVX2 cap
    a CPU with AVX512-BF16 gets the fp32 re-plan, as an AVX2 laptop would."""
    import shutil
    import subprocess
    if shutil.which('make') is None:
        pytest.skip('no make on this machine')
    env = {k: v for k, v in os.environ.items()
           if k not in ('ONEDNN_MAX_CPU_ISA', 'DNNL_MAX_CPU_ISA', 'CONFIG')}
    if cap:
        env['ONEDNN_MAX_CPU_ISA'] = cap
    out = subprocess.run(['make', '-n', 'demo'], cwd=REPO, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    if native_recipe is None:  # no cap: the hardware decides
        native_recipe = native_bf16('cpu')
    want = ('configs/retinanet_r50_fpn.py' if native_recipe else
            'configs/ablations/retinanet_r50_fpn_fp32_20min.py')
    assert f'tools/train.py {want} --work-dir' in out.stdout

"""What ``tools/test.py`` does: evaluate a checkpoint, print and save the
metrics."""
import json
import os
import os.path as osp
import re
from typing import Dict, Optional

from . import preflight
from .config import check_model, import_plugins, load_config
from ..errors import UserError


def resolve_checkpoint(path: str) -> str:
    """A .pth file, or a work dir whose ``last_checkpoint`` names one."""
    if osp.isdir(path):
        marker = osp.join(path, 'last_checkpoint')
        if not osp.isfile(marker):
            raise UserError(f'{path} is a directory without a last_checkpoint '
                            'file: pass the .pth to evaluate.')
        with open(marker) as f:
            path = f.read().strip()
    if not osp.isfile(path):
        raise UserError(f'checkpoint not found: {path}. Pass a .pth written '
                        'by tools/train.py, or its work dir.')
    return path


def prepare_test_config(config: str, checkpoint: str,
                        work_dir: Optional[str] = None,
                        out: Optional[str] = None,
                        show_dir: Optional[str] = None,
                        cfg_options: Optional[dict] = None,
                        launcher: str = 'none', tta: bool = False,
                        fuse_conv_bn: bool = False):
    preflight.check_mmcv_ops()
    cfg = load_config(config, cfg_options, work_dir)
    preflight.check_work_dir(cfg.work_dir)
    import_plugins(cfg)
    check_model(cfg)
    cfg.load_from = resolve_checkpoint(checkpoint)
    cfg.launcher = launcher
    if tta:
        use_test_time_augmentation(cfg)
    if fuse_conv_bn:
        cfg.custom_hooks = list(cfg.get('custom_hooks', [])) + [
            dict(type='FuseConvBNHook')]
    if show_dir:
        vis = cfg.default_hooks.visualization
        vis.draw = True
        vis.test_out_dir = osp.abspath(show_dir)
    if out:
        if not out.endswith(('.pkl', '.pickle')):
            raise UserError(f'--out must end with .pkl, got {out}.')
        cfg.test_evaluator = [cfg.test_evaluator] if isinstance(
            cfg.test_evaluator, dict) else list(cfg.test_evaluator)
        cfg.test_evaluator.append(dict(type='DumpDetResults',
                                       out_file_path=out))
    preflight.check_datasets(cfg, ['test_dataloader'])
    return cfg


def use_test_time_augmentation(cfg) -> None:
    """Wrap the model in the config's ``tta_model`` (e.g. mmdet's
    DetTTAModel, which merges the boxes of every augmented view) and feed it
    ``tta_pipeline``, which yields those views (multi-scale, flip)."""
    if not cfg.get('tta_model') or not cfg.get('tta_pipeline'):
        raise UserError('--tta needs tta_model and tta_pipeline in the '
                        'config; e.g. configs/voc/refinedet320_vgg16_voc0712.py '
                        'defines them (RefineDet+).')
    cfg.model = dict(**cfg.tta_model, module=cfg.model)
    dataset = cfg.test_dataloader.dataset
    while 'dataset' in dataset:
        dataset = dataset.dataset
    dataset.pipeline = cfg.tta_pipeline


def test(config: str, checkpoint: str, **kwargs) -> Dict[str, float]:
    cfg = prepare_test_config(config, checkpoint, **kwargs)
    from mmengine.runner import Runner
    runner = Runner.from_cfg(cfg)
    check_checkpoint_fits(runner.model, cfg.load_from)
    metrics = runner.test()
    metrics = {k: float(v) for k, v in metrics.items()}
    os.makedirs(cfg.work_dir, exist_ok=True)
    with open(osp.join(cfg.work_dir, 'test_metrics.json'), 'w') as f:
        json.dump(dict(config=config, checkpoint=cfg.load_from,
                       metrics=metrics), f, indent=1)
    return metrics


def check_checkpoint_fits(model, path: str) -> None:
    """The checkpoint's weights are the model's, name by name and shape by
    shape. mmengine loads non-strictly and only logs a warning, so a
    checkpoint of another architecture would be evaluated as a random
    model and report ~0 AP."""
    import torch
    ckpt = torch.load(path, map_location='cpu')
    state = ckpt.get('state_dict', ckpt)
    mine = {k.removeprefix('module.'): v.shape
            for k, v in model.state_dict().items()}
    theirs = {k.removeprefix('module.'): getattr(v, 'shape', None)
              for k, v in state.items()}
    missing = sorted(set(mine) - set(theirs))
    unexpected = sorted(set(theirs) - set(mine))
    shapes = sorted(k for k in set(mine) & set(theirs)
                    if tuple(mine[k]) != tuple(theirs[k] or ()))
    if not (missing or unexpected or shapes):
        return
    arch = re.search(r"^model = dict\((?:.|\n)*?^    type='(\w+)'",
                     (ckpt.get('meta') or {}).get('cfg', '') or '', re.M)
    made_by = f' (it was saved from a {arch.group(1)})' if arch else ''
    parts = [f'{len(keys)} {what} (e.g. {keys[0]})' for what, keys in
             (('model weights it lacks', missing),
              ('weights the model does not have', unexpected),
              ('weights of another shape', shapes)) if keys]
    raise UserError(f'checkpoint {path} does not fit {type(model).__name__}'
                    f'{made_by}: {"; ".join(parts)}. Pass the config '
                    'it was trained with.')


def format_metrics(metrics: Dict[str, float]) -> str:
    """A summary table per iou type and a per-class table, as text."""
    lines = []
    summary_keys = ['mAP', 'mAP_50', 'mAP_75', 'mAP_s', 'mAP_m', 'mAP_l']
    for iou_type in ('bbox', 'segm'):
        keys = [f'coco/{iou_type}_{k}' for k in summary_keys]
        if not any(k in metrics for k in keys):
            continue
        lines.append(f'{iou_type:6s} ' + ' '.join(f'{k:>7s}'
                                                  for k in summary_keys))
        lines.append(' ' * 7 + ' '.join(f'{metrics.get(k, float("nan")):7.3f}'
                                        for k in keys))
        per_class = sorted({m.group(1) for k in metrics for m in
                            [re.match(rf'coco/{iou_type}_AP_(.+)$', k)] if m})
        if per_class:
            lines.append(f'  {"class":12s} {"AP":>7s} {"AP50":>7s} '
                         f'{"AP75":>7s}')
            for c in per_class:
                vals = [metrics.get(f'coco/{iou_type}_{p}_{c}', float('nan'))
                        for p in ('AP', 'AP50', 'AP75')]
                lines.append(f'  {c:12s} ' + ' '.join(f'{v:7.3f}'
                                                      for v in vals))
    for k, v in metrics.items():
        if k.startswith('pascal_voc/'):
            lines.append(f'{k}: {v:.4f}')
    return '\n'.join(lines)

"""The model and the val split that an analysis tool inspects."""
from typing import Callable, Optional

import torch


def load_for_analysis(config: str, checkpoint: Optional[str],
                      cfg_options: Optional[dict] = None,
                      check: Optional[Callable] = None,
                      device: str = 'cpu'):
    """Build ``config``'s model in eval mode, with the weights of
    ``checkpoint`` (or, without one, its seeded initialisation: the tools
    then describe an untrained network, and say so), and its val dataloader
    reading in order in this process.

    ``check(cfg)`` runs before anything is built, so that a config the
    analysis cannot read is refused in one line (it raises UserError), as
    is a dataset that is not on disk.
    """
    from mmengine.runner import Runner

    from custom_modules.apis import preflight
    from custom_modules.apis.config import import_plugins, load_config
    cfg = load_config(config, cfg_options)
    import_plugins(cfg)
    if check is not None:
        check(cfg)
    preflight.check_datasets(cfg, ['val_dataloader'])
    model = build_model(cfg, checkpoint, device)
    loader_cfg = cfg.val_dataloader.copy()
    loader_cfg.update(num_workers=0, persistent_workers=False)
    return model, Runner.build_dataloader(loader_cfg)


def build_model(cfg, checkpoint: Optional[str], device: str = 'cpu'):
    """``cfg.model`` in eval mode with the weights of ``checkpoint``, or,
    without one, its initialisation under seed 0 (so two pages made from
    random weights show the same network)."""
    from mmengine.runner import load_checkpoint
    from mmdet.registry import MODELS
    if cfg.model.get('backbone', {}).get('init_cfg'):
        cfg.model.backbone.init_cfg = None  # the checkpoint has the weights
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    if checkpoint:
        load_checkpoint(model, checkpoint, map_location='cpu', logger='silent')
    else:
        from mmengine.logging import MMLogger
        logger = MMLogger.get_current_instance()
        level = logger.level
        logger.setLevel('WARNING')  # not one INFO line per initialised tensor
        try:
            model.init_weights()
        finally:
            logger.setLevel(level)
    return model.to(device).eval()

"""FuseConvBNHook: test a model with its BatchNorms folded into its convs.

At test time a BatchNorm is a fixed per-channel affine map, which the
convolution in front of it can absorb exactly (see
custom_modules/models/utils/fold_batch_norm.py for the algebra). Testing the
folded network answers two questions a user deploying a detector asks: does
it still score the same (it should, up to float rounding), and how much
faster is it. ``tools/test.py --fuse-conv-bn`` adds this hook.
"""
from mmengine.hooks import Hook
from mmengine.logging import print_log
from mmdet.registry import HOOKS

from custom_modules.models.utils import fold_batch_norms


@HOOKS.register_module()
class FuseConvBNHook(Hook):
    """Folds the BNs once, before the first test batch, after the weights
    are loaded. The first batch of the test set drives the one forward pass
    that finds which convolution feeds which BN."""

    priority = 'VERY_LOW'

    def before_test_epoch(self, runner) -> None:
        model = runner.model
        # TestLoop calls eval() only after this hook; folding needs it now.
        model.eval()
        batch = next(iter(runner.test_dataloader))
        folded = fold_batch_norms(model, lambda: model.test_step(batch))
        print_log(f'--fuse-conv-bn: folded {len(folded)} BatchNorm layers '
                  'into the convolutions before them', logger='current')

"""RefineDetHead: the two-step cascade that ties the ARM to the ODM.

The ARM and the ODM (each in its own file) are two sets of convolutions. What
makes RefineDet more than "two SSD heads" is how their outputs are chained,
and that chaining is this head.

Inputs and outputs
------------------
The head receives the pair ``(source_maps, transferred_maps)`` from the
:class:`~custom_modules.models.detectors.RefineDet` detector: the backbone's
four source maps for the ARM, and the TCB's four transferred maps for the
ODM. ``forward`` returns the raw per-level outputs of both modules::

    (arm_objectness, arm_offsets, odm_scores, odm_offsets)

Anchors
-------
mmdet's ``AnchorGenerator`` tiles 3 anchors per cell on every level (aspect
ratios 0.5, 1, 2; size 4 x stride: 32, 64, 128, 256 px), centred in the cell
(``center_offset=0.5``) as in SSD. A 320x320 image has (40^2 + 20^2 + 10^2
+ 5^2) x 3 = 6,375 anchors; a 512x512 image (64^2 + 32^2 + 16^2 + 8^2) x 3 =
16,320.

The cascade, in training (``loss_by_feat``)
-------------------------------------------
1. **ARM loss.** Every ground-truth box becomes "object"; objectness and
   offsets are trained against the tiled anchors.
2. **Refined anchors.** The ARM offsets are decoded onto the tiled anchors
   (same coder, variances 0.1/0.2). Gradients are stopped here: the refined
   anchors are *targets' reference boxes* for the ODM, not a path through
   which the ODM loss should push the ARM.
3. **Negative anchor filtering.** A *negative* anchor whose ARM background
   probability is above ``negative_anchor_thr`` (0.99) is not a candidate
   for the ODM's hard negative mining: the ARM has already solved it, so
   the ODM spends its 3:1 negative budget on the backgrounds the ARM is
   unsure of. Positives keep their loss whatever the ARM says: an object
   the ARM wrongly calls background is exactly what the ODM must learn.
4. **ODM loss.** Ground truth is matched to and encoded against the refined
   anchors (same 0.5-IoU rule), with 3:1 hard negative mining among the
   negatives that survive step 3.

Where the rule comes from. The paper (Zhang et al., CVPR 2018, Sec. 3.1)
says only that anchors with negative confidence above theta are discarded
in training the ODM. The official Caffe release settles which: in
``src/caffe/util/bbox_util.cpp``, ``MineHardExamples`` (lines 1097-1106 of
sfzhang15/RefineDet at 52b6fe2) tests ``arm_conf[.., 1] >= objectness_score``
(0.01, i.e. background <= 0.99) only inside ``IsEligibleMining``, which for
``MAX_NEGATIVE`` mining is true for unmatched anchors alone (line 989);
matched anchors are counted as positives before it and never filtered. The
mined count is ``min(3 x #positives, #surviving negatives)``. This head's
default, ``negative_anchor_filter='negatives'``, is that rule.
``negative_anchor_filter='all'`` is the rule this repository used before
(both positives and negatives removed from the ODM loss), kept as a named
ablation: it silently drops the hardest positives.

Prior clipping. The official recipes build their priors with ``clip =
False`` (``examples/refinedet/VGG16_VOC2012_320.py``, line 330, and the
other recipes alike), and its detection output decodes with ``clip_bbox =
false`` (``src/caffe/layers/detection_output_layer.cpp``, line 223). So the
tiled anchors here are not clipped to the image either: border anchors keep
their full extent, and only the final boxes are clipped (to the image, when
they are decoded for output). Ports that clip priors (``clip: True`` in
ssd.pytorch-style PriorBox code) shrink about 50 of the 6,375 anchors of a
320 px image by up to 21 px.

The total loss is the sum of the four returned terms (ARM + ODM, each of
classification + box), each normalised by its own number of positives.

The cascade, at inference (``predict_by_feat``)
-----------------------------------------------
1. Anchors whose ARM background probability is at least
   ``negative_anchor_thr`` are dropped.
2. Boxes are decoded twice: anchor --ARM--> refined anchor --ODM--> box.
3. The softmax class scores of the survivors are thresholded, the
   ``nms_pre`` best (anchor, class) pairs of the image are kept (400 by
   default), per-class NMS at IoU 0.45 runs, and ``max_per_img`` (200)
   detections remain.

A trap avoided
--------------
mmdet's shared inference code, ``BaseDenseHead._predict_by_feat_single``,
reads ``self.loss_cls``; heads that train with inline losses and never build
one crash there (mmdet issue #11780, fixed for SSD by our
``PredictableSSDHead``). This head implements ``predict_by_feat`` itself --
it must, since each box needs two decodings -- so that code path is never
reached, and the head's predict test guards it.
"""
import torch
from mmengine.config import ConfigDict
from mmengine.structures import InstanceData
from mmdet.models.dense_heads.base_dense_head import BaseDenseHead
from mmdet.models.utils import filter_scores_and_topk
from mmdet.registry import MODELS, TASK_UTILS


@MODELS.register_module()
class RefineDetHead(BaseDenseHead):
    """ARM + ODM with anchor refinement and negative anchor filtering.

    Args:
        num_classes (int): Object classes, without background.
        arm (dict): The anchor refinement module; ``num_anchors`` is filled
            in from the anchor generator.
        odm (dict): The object detection module; ``num_classes`` and
            ``num_anchors`` are filled in.
        anchor_generator (dict): mmdet prior generator tiling the anchors.
        bbox_coder (dict): Offset coder shared by both steps and by both
            losses, so that training encodes exactly as inference decodes.
        negative_anchor_thr (float): The paper's theta: a negative anchor
            with ARM background probability above it is not mined by the
            ODM loss, and any anchor at or above it is dropped at inference.
        negative_anchor_filter (str): Which anchors the training filter
            removes from the ODM loss: ``'negatives'`` (the official
            release: only negatives, from hard negative mining) or
            ``'all'`` (positives too; an ablation).
        loss_arm (dict): Loss of the ARM step (MultiBoxLoss).
        loss_odm (dict): Loss of the ODM step (MultiBoxLoss).
        train_cfg (dict, optional): Unused; the matching rules live in the
            loss configs. Kept for mmdet's detector interface.
        test_cfg (dict): ``nms_pre``, ``score_thr``, ``nms``,
            ``max_per_img``, ``min_bbox_size``; and ``odm_regression``
            (default True): False keeps the ODM's scores but boxes them with
            the ARM-refined anchors, an ablation of the second regression.
        init_cfg (dict | list[dict], optional): Initialisation; the ARM and
            ODM bring their own (Xavier).
    """

    def __init__(self,
                 num_classes=80,
                 arm=dict(
                     type='AnchorRefinementModule',
                     in_channels=(512, 512, 1024, 512)),
                 odm=dict(
                     type='ObjectDetectionModule',
                     in_channels=(256, 256, 256, 256)),
                 anchor_generator=dict(
                     type='AnchorGenerator',
                     strides=[8, 16, 32, 64],
                     ratios=[0.5, 1.0, 2.0],
                     octave_base_scale=4,
                     scales_per_octave=1,
                     center_offset=0.5),
                 bbox_coder=dict(
                     type='DeltaXYWHBBoxCoder',
                     target_means=(0., 0., 0., 0.),
                     target_stds=(0.1, 0.1, 0.2, 0.2)),
                 negative_anchor_thr=0.99,
                 negative_anchor_filter='negatives',
                 loss_arm=dict(type='MultiBoxLoss', neg_pos_ratio=3),
                 loss_odm=dict(type='MultiBoxLoss', neg_pos_ratio=3),
                 train_cfg=None,
                 test_cfg=dict(
                     nms_pre=400,
                     score_thr=0.01,
                     nms=dict(type='nms', iou_threshold=0.45),
                     min_bbox_size=0,
                     max_per_img=200),
                 init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        self.num_classes = num_classes
        self.negative_anchor_thr = negative_anchor_thr
        if negative_anchor_filter not in ('negatives', 'all'):
            raise ValueError("negative_anchor_filter must be 'negatives' "
                             "(the official release) or 'all', got "
                             f'{negative_anchor_filter!r}')
        self.negative_anchor_filter = negative_anchor_filter
        self.train_cfg = train_cfg
        # Attribute access (cfg.nms) is what mmdet's post-processing uses.
        self.test_cfg = ConfigDict(test_cfg) if test_cfg is not None else None

        self.prior_generator = TASK_UTILS.build(anchor_generator)
        anchors_per_cell = set(self.prior_generator.num_base_priors)
        if len(anchors_per_cell) != 1:
            raise ValueError('RefineDetHead needs the same number of anchors '
                             f'on every level, got {anchors_per_cell}')
        self.num_anchors = anchors_per_cell.pop()

        self.arm = MODELS.build(dict(arm, num_anchors=self.num_anchors))
        self.odm = MODELS.build(
            dict(odm, num_classes=num_classes, num_anchors=self.num_anchors))
        self.bbox_coder = TASK_UTILS.build(bbox_coder)
        self.loss_arm = MODELS.build(dict(loss_arm, bbox_coder=bbox_coder))
        self.loss_odm = MODELS.build(dict(loss_odm, bbox_coder=bbox_coder))

    # ------------------------------------------------------------------
    # Forward
    # ------------------------------------------------------------------
    def forward(self, feats):
        """Run both modules.

        Args:
            feats (tuple): ``(source_maps, transferred_maps)``, each a tuple
                of four maps, finest first.

        Returns:
            tuple[list[Tensor]]: ``arm_objectness`` (B, A*2, H, W),
            ``arm_offsets`` (B, A*4, H, W), ``odm_scores`` (B, A*(C+1), H, W)
            and ``odm_offsets`` (B, A*4, H, W), one map per level each.
        """
        source_maps, transferred_maps = feats
        arm_objectness, arm_offsets = self.arm(source_maps)
        odm_scores, odm_offsets = self.odm(transferred_maps)
        return arm_objectness, arm_offsets, odm_scores, odm_offsets

    # ------------------------------------------------------------------
    # Pieces shared by training and inference
    # ------------------------------------------------------------------
    def anchors(self, featmap_sizes, device):
        """All anchors of an image, levels concatenated: ``(N, 4)``."""
        return torch.cat(
            self.prior_generator.grid_priors(featmap_sizes, device=device))

    def refine_anchors(self, anchors, arm_offsets):
        """Decode ARM offsets onto the anchors: the refined anchors.

        Args:
            anchors (Tensor): ``(N, 4)`` tiled anchors.
            arm_offsets (Tensor): ``(B, N, 4)`` flattened ARM offsets.

        Returns:
            Tensor: ``(B, N, 4)`` refined anchors (not clipped to the image:
            they are reference boxes, not detections).
        """
        batch_anchors = anchors.expand_as(arm_offsets)
        return self.bbox_coder.decode(
            batch_anchors.reshape(-1, 4),
            arm_offsets.reshape(-1, 4)).view_as(arm_offsets)

    @staticmethod
    def flatten_levels(level_maps, channels_per_anchor):
        """Per-level ``(B, A*K, H, W)`` maps -> one ``(B, N, K)`` tensor.

        The order is level, row, column, anchor -- the order of
        ``AnchorGenerator.grid_priors`` -- so entry ``n`` of every flattened
        output belongs to anchor ``n``.
        """
        batch_size = level_maps[0].size(0)
        return torch.cat([
            level_map.permute(0, 2, 3, 1).reshape(batch_size, -1,
                                                  channels_per_anchor)
            for level_map in level_maps
        ], dim=1)

    def flatten_outputs(self, arm_objectness, arm_offsets, odm_scores,
                         odm_offsets):
        return (self.flatten_levels(arm_objectness, self.arm.num_scores),
                self.flatten_levels(arm_offsets, 4),
                self.flatten_levels(odm_scores, self.odm.num_scores),
                self.flatten_levels(odm_offsets, 4))

    @staticmethod
    def arm_background_probability(arm_objectness):
        """``(B, N, 2)`` ARM logits -> ``(B, N)`` background probability
        (background is the last of the two scores)."""
        return arm_objectness.softmax(dim=-1)[..., -1]

    # ------------------------------------------------------------------
    # Training
    # ------------------------------------------------------------------
    def loss_by_feat(self,
                     arm_objectness,
                     arm_offsets,
                     odm_scores,
                     odm_offsets,
                     batch_gt_instances,
                     batch_img_metas,
                     batch_gt_instances_ignore=None):
        """ARM loss on the tiled anchors, ODM loss on the refined ones.

        Returns:
            dict[str, Tensor]: ``loss_arm_cls``, ``loss_arm_bbox``,
            ``loss_odm_cls``, ``loss_odm_bbox``.
        """
        featmap_sizes = [level.shape[-2:] for level in arm_objectness]
        anchors = self.anchors(featmap_sizes, arm_objectness[0].device)
        arm_objectness, arm_offsets, odm_scores, odm_offsets = \
            self.flatten_outputs(arm_objectness, arm_offsets, odm_scores,
                                  odm_offsets)

        # Step 1, ARM: every ground-truth box is simply "an object".
        objects = [
            InstanceData(bboxes=gt.bboxes, labels=torch.zeros_like(gt.labels))
            for gt in batch_gt_instances
        ]
        loss_arm_cls, loss_arm_bbox = self.loss_arm(
            arm_objectness, arm_offsets, anchors, objects,
            batch_gt_instances_ignore)

        with torch.no_grad():
            # Step 2: the ODM regresses from where the ARM put the anchors.
            refined_anchors = self.refine_anchors(anchors, arm_offsets)
            # Step 3: backgrounds the ARM is sure about are not the ODM's
            # problem (background probability above theta).
            unsure = self.arm_background_probability(
                arm_objectness) <= self.negative_anchor_thr
        filters = ({'negative_mask': unsure}
                   if self.negative_anchor_filter == 'negatives'
                   else {'valid_mask': unsure})

        # Step 4, ODM: classes and residual offsets on the refined anchors.
        loss_odm_cls, loss_odm_bbox = self.loss_odm(
            odm_scores, odm_offsets, refined_anchors, batch_gt_instances,
            batch_gt_instances_ignore, **filters)

        return dict(
            loss_arm_cls=loss_arm_cls,
            loss_arm_bbox=loss_arm_bbox,
            loss_odm_cls=loss_odm_cls,
            loss_odm_bbox=loss_odm_bbox)

    # ------------------------------------------------------------------
    # Inference
    # ------------------------------------------------------------------
    def predict_by_feat(self,
                        arm_objectness,
                        arm_offsets,
                        odm_scores,
                        odm_offsets,
                        batch_img_metas=None,
                        cfg=None,
                        rescale=False,
                        with_nms=True):
        """Detections per image: filter, decode twice, top-k, NMS.

        Returns:
            list[InstanceData]: per image ``bboxes`` (x1, y1, x2, y2),
            ``scores`` and ``labels``.
        """
        cfg = self.test_cfg if cfg is None else cfg
        featmap_sizes = [level.shape[-2:] for level in arm_objectness]
        anchors = self.anchors(featmap_sizes, arm_objectness[0].device)
        arm_objectness, arm_offsets, odm_scores, odm_offsets = \
            self.flatten_outputs(arm_objectness, arm_offsets, odm_scores,
                                  odm_offsets)
        refined_anchors = self.refine_anchors(anchors, arm_offsets)
        background_probability = self.arm_background_probability(
            arm_objectness)

        return [
            self._predict_one_image(refined_anchors[i],
                                    background_probability[i],
                                    odm_scores[i], odm_offsets[i], img_meta,
                                    cfg, rescale, with_nms)
            for i, img_meta in enumerate(batch_img_metas)
        ]

    def _predict_one_image(self, refined_anchors, background_probability,
                           odm_scores, odm_offsets, img_meta, cfg, rescale,
                           with_nms):
        # Negative anchor filtering: confident background never reaches the
        # ODM's classifier.
        kept = background_probability < self.negative_anchor_thr
        class_probability = odm_scores[kept].softmax(dim=-1)[:, :-1]

        # The nms_pre best (anchor, class) pairs of the whole image; -1 or 0
        # means no limit.
        nms_pre = cfg.get('nms_pre', -1)
        if nms_pre is None or nms_pre <= 0:
            nms_pre = class_probability.numel()
        scores, labels, _, candidates = filter_scores_and_topk(
            class_probability, cfg.get('score_thr', 0), nms_pre,
            dict(refined_anchors=refined_anchors[kept],
                 offsets=odm_offsets[kept]))

        # Second decoding: refined anchor -> box, clipped to the image.
        offsets = candidates['offsets']
        if not cfg.get('odm_regression', True):
            # Ablation: the ARM's boxes scored by the ODM, to measure what
            # the second regression adds (docs/benchmark_notes.md).
            offsets = torch.zeros_like(offsets)
        bboxes = self.bbox_coder.decode(
            candidates['refined_anchors'], offsets,
            max_shape=img_meta['img_shape'])
        results = InstanceData(bboxes=bboxes, scores=scores, labels=labels)
        return self._bbox_post_process(
            results=results,
            cfg=cfg,
            rescale=rescale,
            with_nms=with_nms,
            img_meta=img_meta)

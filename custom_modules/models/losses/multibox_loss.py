"""MultiBoxLoss: the SSD-style detection loss RefineDet applies twice.

RefineDet trains two predictors with the same recipe, each against its own
set of boxes:

====  =====================  ==========================  ======================
step  boxes predicted from   classes                     anchors left out
====  =====================  ==========================  ======================
ARM   the tiled anchors      1 ("object") + background   none
ODM   ARM-refined anchors    C + background              negatives whose ARM
                                                             background > 0.99
====  =====================  ==========================  ======================

This module is that recipe, written once and readable top to bottom. For a
batch of ``B`` images with ``N`` anchors each, given ``K+1`` logits and 4
offsets per anchor (background last, as everywhere in mmdet):

1. **Matching.** Each anchor is compared with every ground-truth box by IoU.
   An anchor is *positive* for a box if their IoU is at least 0.5, and every
   box additionally claims its single best anchor even below 0.5, so that no
   object goes without a positive. Everything else is *negative*. This is
   mmdet's ``MaxIoUAssigner(pos_iou_thr=0.5, neg_iou_thr=0.5,
   min_pos_iou=0)``, exactly SSD's rule.
2. **Encoding.** A positive anchor's class target is its box's label; its
   offset target is the box expressed relative to the anchor:
   ``((x - xa) / wa, (y - ya) / ha, log(w / wa), log(h / ha))``, divided by
   the "variances" ``(0.1, 0.1, 0.2, 0.2)`` so that typical targets are of
   order one (mmdet's ``DeltaXYWHBBoxCoder`` with those stds). Negatives get
   the background class and no offset target.
3. **Hard negative mining.** A 320x320 image has 6,375 anchors and perhaps
   20 positives. Averaging the classification loss over all of them would
   let thousands of easy background anchors drown the positives. Instead,
   per image, only the ``3 x #positives`` negatives with the *highest*
   classification loss are kept -- the ones the model currently gets most
   wrong -- and the rest are dropped. (Focal loss solves the same problem
   by re-weighting instead of selecting.)
4. **Loss.** Softmax cross-entropy summed over positives and mined
   negatives, plus smooth L1 (beta 1) summed over the 4 offsets of every
   positive, each divided by the number of positives in the batch. For the
   ARM's two classes the softmax cross-entropy *is* the binary cross-entropy
   of the paper.

``negative_mask`` is how the ODM's negative anchor filtering enters, as the
official release does it: a negative outside the mask is not a candidate
for mining (step 3), so the ``3 x #positives`` kept negatives are the
hardest among the survivors; positives are untouched. ``valid_mask`` is the
blunter rule (an ablation): anchors outside it take no part in mining or in
either loss, positives included. Matching sees every anchor either way, so
a box's "best anchor" may be a removed one -- the object is then left to the
other anchors that overlap it.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.structures import InstanceData
from mmdet.registry import MODELS, TASK_UTILS
from mmdet.structures.bbox import get_box_tensor

# Class target of anchors that take no part in the loss (ignored by the
# assigner or filtered out by the caller); F.cross_entropy skips it.
IGNORED = -1


@MODELS.register_module()
class MultiBoxLoss(nn.Module):
    """Match, encode, mine hard negatives, then softmax CE + smooth L1.

    Args:
        assigner (dict): Matching rule (step 1), built from mmdet's
            TASK_UTILS registry.
        bbox_coder (dict): Offset encoding (step 2). The head that owns the
            loss overrides it with its own coder so that training encodes
            exactly as inference decodes.
        neg_pos_ratio (int): Negatives kept per positive by the mining
            (step 3).
        smooth_l1_beta (float): Where the smooth L1 switches from quadratic
            to linear.
        loss_weight (float): Multiplies both returned losses.
    """

    def __init__(self,
                 assigner=dict(
                     type='MaxIoUAssigner',
                     pos_iou_thr=0.5,
                     neg_iou_thr=0.5,
                     min_pos_iou=0.,
                     ignore_iof_thr=-1,
                     gt_max_assign_all=False),
                 bbox_coder=dict(
                     type='DeltaXYWHBBoxCoder',
                     target_means=(0., 0., 0., 0.),
                     target_stds=(0.1, 0.1, 0.2, 0.2)),
                 neg_pos_ratio=3,
                 smooth_l1_beta=1.,
                 loss_weight=1.):
        super().__init__()
        self.assigner = TASK_UTILS.build(assigner)
        self.bbox_coder = TASK_UTILS.build(bbox_coder)
        self.neg_pos_ratio = neg_pos_ratio
        self.smooth_l1_beta = smooth_l1_beta
        self.loss_weight = loss_weight

    def forward(self,
                cls_scores,
                bbox_preds,
                anchors,
                batch_gt_instances,
                batch_gt_instances_ignore=None,
                valid_mask=None,
                negative_mask=None):
        """Compute the classification and box losses of one prediction step.

        Args:
            cls_scores (Tensor): Logits, ``(B, N, K + 1)``, background last.
            bbox_preds (Tensor): Predicted offsets, ``(B, N, 4)``.
            anchors (Tensor): The boxes the offsets are relative to,
                ``(N, 4)`` if shared by the batch or ``(B, N, 4)`` if per
                image (the ODM's refined anchors). No gradient flows into
                them.
            batch_gt_instances (list[InstanceData]): Per image, ``bboxes``
                and ``labels`` in ``[0, K)``.
            batch_gt_instances_ignore (list[InstanceData], optional): Boxes
                the assigner may use to ignore anchors.
            valid_mask (Tensor, optional): ``(B, N)`` bool; False removes an
                anchor from the loss, positive or negative.
            negative_mask (Tensor, optional): ``(B, N)`` bool; False keeps a
                negative anchor out of hard negative mining (positives are
                not affected).

        Returns:
            tuple[Tensor, Tensor]: ``(loss_cls, loss_bbox)``.
        """
        batch_size, num_anchors, num_scores = cls_scores.shape
        background = num_scores - 1
        if anchors.dim() == 2:
            anchors = anchors.expand(batch_size, -1, -1)
        anchors = anchors.detach()
        if batch_gt_instances_ignore is None:
            batch_gt_instances_ignore = [None] * batch_size

        # Steps 1 and 2, image by image: each has its own boxes.
        labels, bbox_targets = [], []
        for image_anchors, gt_instances, gt_ignore in zip(
                anchors, batch_gt_instances, batch_gt_instances_ignore):
            matched_gt = self.match(image_anchors, gt_instances, gt_ignore)
            image_labels, image_targets = self.encode(
                image_anchors, matched_gt, gt_instances, background)
            labels.append(image_labels)
            bbox_targets.append(image_targets)
        labels = torch.stack(labels)
        bbox_targets = torch.stack(bbox_targets)
        if valid_mask is not None:
            labels = labels.masked_fill(~valid_mask, IGNORED)
        positives = (labels >= 0) & (labels != background)
        negatives = labels == background
        if negative_mask is not None:
            negatives = negatives & negative_mask

        # Step 3: every anchor's loss, then keep the hardest negatives.
        cls_loss_per_anchor = F.cross_entropy(
            cls_scores.reshape(-1, num_scores),
            labels.reshape(-1),
            ignore_index=IGNORED,
            reduction='none').view(batch_size, num_anchors)
        hard_negatives = self.mine_hard_negatives(
            cls_loss_per_anchor.detach(), positives, negatives)

        # Step 4: sums over the selected anchors, per positive.
        num_positives = positives.sum().clamp(min=1).float()
        loss_cls = cls_loss_per_anchor[positives | hard_negatives].sum()
        loss_bbox = F.smooth_l1_loss(
            bbox_preds[positives],
            bbox_targets[positives],
            beta=self.smooth_l1_beta,
            reduction='sum')
        return (self.loss_weight * loss_cls / num_positives,
                self.loss_weight * loss_bbox / num_positives)

    def match(self, anchors, gt_instances, gt_instances_ignore=None):
        """Step 1: the matched box of every anchor of one image.

        Returns:
            Tensor: ``(N,)`` long; ``k > 0`` means matched to box ``k - 1``,
            0 means negative, -1 means ignored.
        """
        assign_result = self.assigner.assign(
            InstanceData(priors=anchors), gt_instances, gt_instances_ignore)
        return assign_result.gt_inds

    def encode(self, anchors, matched_gt, gt_instances, background):
        """Step 2: class and offset targets of every anchor of one image.

        Returns:
            tuple[Tensor, Tensor]: labels ``(N,)`` (``background`` for
            negatives, ``IGNORED`` for ignored anchors) and offset targets
            ``(N, 4)`` (zero where there is no positive).
        """
        labels = matched_gt.new_full(matched_gt.shape, background)
        labels[matched_gt < 0] = IGNORED
        bbox_targets = anchors.new_zeros(anchors.shape)
        positive = matched_gt > 0
        if positive.any():
            box_index = matched_gt[positive] - 1
            labels[positive] = gt_instances.labels[box_index]
            gt_bboxes = get_box_tensor(gt_instances.bboxes)
            bbox_targets[positive] = self.bbox_coder.encode(
                anchors[positive], gt_bboxes[box_index])
        return labels, bbox_targets

    def mine_hard_negatives(self, cls_loss_per_anchor, positives, negatives):
        """Step 3: per image, the ``neg_pos_ratio x #positives`` negatives
        with the largest classification loss (or all, if fewer).

        Args:
            cls_loss_per_anchor (Tensor): ``(B, N)``, no gradient needed.
            positives, negatives (Tensor): ``(B, N)`` bool.

        Returns:
            Tensor: ``(B, N)`` bool, the kept negatives.
        """
        num_keep = torch.minimum(positives.sum(dim=1) * self.neg_pos_ratio,
                                 negatives.sum(dim=1))
        # Only negatives compete: everything else sorts last.
        candidate_loss = cls_loss_per_anchor.masked_fill(
            ~negatives, float('-inf'))
        order = candidate_loss.argsort(dim=1, descending=True)
        rank = order.argsort(dim=1)
        return negatives & (rank < num_keep[:, None])

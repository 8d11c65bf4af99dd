"""The focal-loss ablations of the RetinaNet paper, Table 1 (a) and (b), as
sweep presets.

Lin et al., *Focal Loss for Dense Object Detection*, ICCV 2017, Table 1:

* **(a) Varying alpha for CE loss (gamma = 0).** The alpha-balanced cross
  entropy ``-alpha_t log(p_t)``: alpha weights the foreground term, 1 - alpha
  the background term. It shows that re-weighting alone helps only a little.
  Preset ``focal-alpha``: gamma = 0, alpha in {0.25, 0.5, 0.75, 0.9, 0.99,
  0.999}.
* **(b) Varying gamma for FL (with the best alpha).** The focal loss
  ``-alpha_t (1 - p_t)^gamma log(p_t)``. gamma and alpha interact (a larger
  gamma already down-weights the easy negatives, so the best alpha shrinks),
  so the paper reports, for each gamma, the best alpha. Preset
  ``focal-gamma``: gamma in {0, 0.1, 0.2, 0.5, 1, 2, 5} times alpha in
  {0.25, 0.5, 0.75}; the summary keeps the best alpha per gamma.

**The plain cross-entropy baseline.** Both presets add one run labelled
``CE``: the sigmoid cross entropy with no alpha and no modulating factor,
``-log(p_t)`` on every (anchor, class) pair. mmdet's ``FocalLoss`` requires a
float alpha (``alpha=None`` crashes in the weighting), so "no alpha" must be
written differently. We use ``FocalLoss(gamma=0, alpha=0.5,
loss_weight=2.0)``: with gamma = 0 the modulating factor is 1, alpha = 0.5
weights both terms by 1/2, and ``loss_weight=2`` undoes the 1/2, so the
loss is exactly ``BCE(logit, target)``. We prefer this to
``CrossEntropyLoss(use_sigmoid=True)`` because it is the *same code path* as
every other cell of the table (same one-hot targets, same ignore handling,
same normalisation by the number of positive anchors), so the only thing
that changes across the table is the weighting the paper studies. Note that
the alpha = 0.5 row of table (a) is this loss divided by 2: with SGD that
halves the classification gradient relative to box regression, with Adam it
changes only that relative balance.
"""
from typing import Dict

from .grid import Axis, SweepSpec, expand_points

GAMMA = 'model.bbox_head.loss_cls.gamma'
ALPHA = 'model.bbox_head.loss_cls.alpha'
LOSS_WEIGHT = 'model.bbox_head.loss_cls.loss_weight'

PAPER_ALPHAS_1A = [0.25, 0.5, 0.75, 0.9, 0.99, 0.999]
PAPER_GAMMAS_1B = [0, 0.1, 0.2, 0.5, 1, 2, 5]
PAPER_ALPHAS_1B = [0.25, 0.5, 0.75]

# The exact sigmoid cross entropy, through FocalLoss (see module docstring).
CE_BASELINE = {GAMMA: 0, ALPHA: 0.5, LOSS_WEIGHT: 2.0}


def _with_baseline(axes, best_over=None, preset=None) -> SweepSpec:
    points = expand_points(axes)
    # Grid points keep the config's loss_weight; the baseline sets it. The
    # axes stay the grid's two (tables and plots are over gamma x alpha);
    # the labelled baseline is a reference row outside them.
    return SweepSpec(axes=axes, points=points + [dict(CE_BASELINE)],
                     labels=[None] * len(points) + ['CE'],
                     short_names={GAMMA: 'gamma', ALPHA: 'alpha',
                                  LOSS_WEIGHT: 'loss_weight'},
                     best_over=best_over, preset=preset)


def focal_alpha() -> SweepSpec:
    """Table 1a: alpha-balanced CE (gamma = 0) over alpha, plus plain CE."""
    return _with_baseline([Axis(GAMMA, [0]), Axis(ALPHA, PAPER_ALPHAS_1A)],
                          preset='focal-alpha')


def focal_gamma() -> SweepSpec:
    """Table 1b: FL over gamma x alpha, best alpha per gamma, plus plain CE."""
    return _with_baseline([Axis(GAMMA, PAPER_GAMMAS_1B),
                           Axis(ALPHA, PAPER_ALPHAS_1B)],
                          best_over=ALPHA, preset='focal-gamma')


PRESETS: Dict[str, callable] = {
    'focal-alpha': focal_alpha,
    'focal-gamma': focal_gamma,
}

# What the summary says each preset reproduces.
PRESET_TITLES = {
    'focal-alpha': 'RetinaNet Table 1a: varying alpha for CE loss (gamma=0)',
    'focal-gamma': 'RetinaNet Table 1b: varying gamma for FL (best alpha '
                   'per gamma)',
}


def restrict_preset(spec: SweepSpec, axes) -> SweepSpec:
    """The preset at fewer points: each of ``axes`` (``Axis`` objects) names
    one of the preset's axes and replaces its values; the baselines and the
    best-over rule stay. This is how a CPU-sized study runs "Table 1b at
    gamma in {0, 1, 2, 5}" without losing the CE row."""
    by_key = {a.key: a for a in spec.axes}
    for axis in axes:
        if axis.key not in by_key:
            raise ValueError(
                f'--grid {axis.key} is not an axis of the preset '
                f'{spec.preset}; with a preset, --grid may only narrow '
                f'{[a.key for a in spec.axes]} (use --cfg-options for '
                'settings fixed across runs)')
        by_key[axis.key] = axis
    new_axes = [by_key[a.key] for a in spec.axes]
    points = expand_points(new_axes)
    labels = spec.labels or [None] * len(spec.points or [])
    refs = [(p, lab) for p, lab in zip(spec.points or [], labels)
            if lab is not None]
    spec.axes = new_axes
    spec.points = points + [dict(p) for p, _ in refs]
    spec.labels = [None] * len(points) + [lab for _, lab in refs]
    return spec


def get_preset(name: str) -> SweepSpec:
    if name not in PRESETS:
        raise ValueError(f'unknown preset {name!r}; choose from '
                         f'{sorted(PRESETS)}')
    return PRESETS[name]()

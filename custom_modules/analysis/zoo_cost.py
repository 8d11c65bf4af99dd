"""How long a zoo will take on this machine, known in minutes before it
costs hours.

A zoo run is mostly three repeated costs: a training step and the loading
of its batch, ``max_iters`` times, and a pass over the val split at every
validation. All are steady once the first few have warmed the caches, so a
handful of each, timed in this process, predicts the whole run:

    s per iter         = step + load        (the loader shares the run's core)
                       = max(step, load/w)  (w loader workers, a core each)
    train minutes      = max_iters x s per iter
    validation minutes = validations x val images x (mean ms per image)

Loading counts where a pipeline is heavy, as a user's own photos are
(decoding and augmenting large JPEGs on the CPU); the embedded split's small
generated images load in about 0.01 s a batch, even through SSD's
expansion and IoU crops. A zoo with ``--jobs`` equal to the cores trains on
every core, so its loader workers have none of their own and take turns
with the step.

"This process" is the point: the precision its optim wrapper picks here
(bf16 where the CPU has it natively, fp32 elsewhere or under a oneDNN cap),
its instruction sets and its threads. Running the estimate under
``ONEDNN_MAX_CPU_ISA=AVX2 ATEN_CPU_CAPABILITY=avx2`` projects the zoo of an
AVX2-only laptop on a machine that has AVX512-BF16.

The configs are then laid out as ``tools/benchmark_zoo.py --jobs J`` runs
them: in the given order, each on the first worker to come free, so the
projected wall time is that schedule's length, not a sum divided by J.

The steps and images are timed from the zoo's trained checkpoint where
there is one: an initialised model costs more per step than most of a run's
steps do (an untrained RPN hands the box head other proposals, untrained
scores pass more boxes to NMS). Left out: checkpoint writes, start-up,
COCO evaluation itself (a few seconds per validation on the embedded
split), and what two runs side by side cost each other through the caches
and memory bandwidth they share: the steps here are timed with whatever
else the machine runs, not with the run the schedule pairs them with.
Where the record (docs/benchmark_results.json) holds runs of the same
config trained on the same compute path, the median of their measured
train minutes stands beside the projection, and the ratio says how far to
trust it.
"""
import os.path as osp
from typing import Dict, List, Optional, Sequence

from custom_modules.analysis.train_speed import isa_line, \
    time_train_interleaved
from custom_modules.reporting import machine_table, markdown_table


def validations(max_iters: int, val_interval: int, val_begin: int = 1) -> int:
    """How many times mmengine's IterBasedTrainLoop validates: after every
    iteration ``i >= val_begin`` that is a multiple of ``val_interval``, and
    after the last one whatever its number."""
    return sum(1 for i in range(1, max_iters + 1)
               if i >= val_begin and (i % val_interval == 0
                                      or i == max_iters))


def schedule(minutes: Sequence[float], jobs: int) -> float:
    """Wall minutes of runs taken in order by ``jobs`` workers, each run
    going to the first worker to come free (the zoo's and the sweep's
    pool)."""
    if jobs < 1:
        raise ValueError(f'jobs must be at least 1, got {jobs}')
    free_at = [0.0] * jobs
    for m in minutes:
        i = free_at.index(min(free_at))
        free_at[i] += m
    return max(free_at)


def loader_cores(workers: int, spare_cores: int) -> int:
    """Cores the loader works on ahead of the step: one per worker, as far
    as cores that no run trains on go (0: it shares the run's core)."""
    return max(0, min(workers, spare_cores))


def s_per_iter_with_loading(step: float, load: float, workers: int,
                            spare_cores: int) -> float:
    """Seconds per iteration once loading its batch is counted. Loader
    workers with a core each of their own prepare batches while the step
    runs, so the step waits only when they cannot keep up. Without one
    (``num_workers=0``, or every core already training), loading and the
    step take turns on the same core and their times add."""
    own = loader_cores(workers, spare_cores)
    if own < 1:
        return step + load
    return max(step, load / own)


def project(max_iters: int, n_val: int, val_images: int, s_per_iter: float,
            ms_per_image: float) -> Dict[str, float]:
    """The arithmetic of the module docstring, in minutes."""
    train = max_iters * s_per_iter / 60
    val = n_val * val_images * ms_per_image / 1000 / 60
    return dict(train_minutes=train, val_minutes=val,
                total_minutes=train + val)


def estimate(config: str, steps: int = 6, warmup: int = 2,
             images: int = 16, checkpoint: Optional[str] = None,
             spare_cores: int = 0) -> dict:
    """Time ``steps`` train steps with their batches' loading, and
    ``images`` val images, of ``config`` here and project its whole run.
    ``checkpoint`` (default: the zoo's own, if trained) makes the timings
    those of a trained model; an initialised one's are an upper bound.
    ``spare_cores``: cores that no run trains on, where loader workers can
    work ahead (0 for a zoo whose ``--jobs`` x threads fill the machine)."""
    from mmdet.registry import DATASETS

    from custom_modules.apis import benchmark as bench
    from custom_modules.apis.config import import_plugins, load_config
    cfg = load_config(config)
    import_plugins(cfg)
    loop = cfg.train_cfg
    n_val = validations(int(loop.max_iters), int(loop.get('val_interval', 1)),
                        int(loop.get('val_begin', 1)))
    val_images = len(DATASETS.build(cfg.val_dataloader.dataset))
    if checkpoint is None:
        checkpoint = bench.benchmark_checkpoint(config)
    step = time_train_interleaved(config, {'as-is': {}}, steps, warmup,
                                  checkpoint=checkpoint)[0]
    infer = bench.time_inference(config, checkpoint, images, warmup)
    workers = int(cfg.train_dataloader.get('num_workers', 0))
    row = dict(config=config,
               name=osp.splitext(osp.basename(config))[0],
               precision=step['precision'], threads=step['torch_threads'],
               max_iters=int(loop.max_iters), validations=n_val,
               val_images=val_images, s_per_step=step['s_median'],
               load_s_per_batch=step['load_s_median'],
               loader_workers=workers,
               loader_has_own_core=loader_cores(workers, spare_cores) >= 1,
               s_per_iter=s_per_iter_with_loading(
                   step['s_median'], step['load_s_median'], workers,
                   spare_cores),
               steps_timed=step['iters'], ms_per_image=infer['ms_mean'],
               images_timed=infer['images'], trained_weights=bool(checkpoint))
    row.update(project(row['max_iters'], n_val, val_images,
                       row['s_per_iter'], row['ms_per_image']))
    return row


def compute_path_label(precision: str) -> str:
    """The record's compute-path spelling (benchmark.collect_row):
    ``'<precision> <ATen ISA>'``, for this process."""
    import torch
    return f'{precision} {torch.backends.cpu.get_cpu_capability()}'


def with_record(rows: List[dict], record: Dict[str, dict],
                seeds: Optional[Dict[str, dict]] = None) -> List[dict]:
    """Each row plus the train minutes its config's recorded runs measured
    on this process's compute path (a bf16 run says nothing about an fp32
    projection): the median over its seeds where the record holds their
    minutes and paths (``recorded_runs`` of them), else its one leaderboard
    run, else None (:func:`~custom_modules.apis.zoo_record.recorded_minutes`,
    which the README's table reads the same way)."""
    from custom_modules.apis.zoo_record import recorded_minutes
    out = []
    for r in rows:
        measured, n = recorded_minutes(
            record.get(r['name'], {}), (seeds or {}).get(r['name'], {}),
            compute_path_label(r['precision']))
        out.append(dict(r, recorded_train_minutes=measured, recorded_runs=n))
    return out


def render_markdown(rows: List[dict], jobs: int, env: Dict[str, str],
                    command: str) -> str:
    wall = schedule([r['total_minutes'] for r in rows], jobs)
    lines = ['# Zoo cost: projected from timed steps', '',
             f'Produced by `{command}`. Each config: s/iter is the median '
             'of its timed `model.train_step`s plus the median time to load '
             'one batch through its train pipeline, where the loader shares '
             "the run's core (\"shared\": every core trains, as in a zoo "
             'whose --jobs fills the machine), or the larger of the step and '
             'the load per worker where its workers have cores of their own; '
             'times its iterations, plus its validations times its val '
             'images times the mean ms per image of `model.test_step` at '
             "batch 1. Both are timed from the zoo's trained checkpoint where "
             'it exists. Left out: checkpoints, start-up and COCO '
             'evaluation. "recorded" is the train time of '
             'the committed runs (docs/benchmark_results.json) that trained '
             'on the same compute path, the median over the seeds where '
             'there are several (how many in brackets); "–" where none '
             'did.', '',
             *machine_table(env), '',
             f'Instruction sets this process computed with: {isa_line()}.',
             '']
    table = []
    for r in rows:
        measured = r.get('recorded_train_minutes')
        ratio = ('–' if measured is None
                 else f"{measured / r['train_minutes']:.2f}")
        recorded = f"{measured:.0f} ({r.get('recorded_runs', 1)})" \
            if measured is not None else '–'
        weights = '' if r['trained_weights'] else ' (init weights: upper bound)'
        table.append([
            f"`{r['config']}`", r['precision'], r['threads'],
            f"{r['s_per_step']:.2f} ({r['steps_timed']}){weights}",
            f"{r['load_s_per_batch']:.2f} ({r['loader_workers']}, "
            f"{'own' if r['loader_has_own_core'] else 'shared'})",
            f"{r['s_per_iter']:.2f}", r['max_iters'],
            f"{r['train_minutes']:.0f}",
            f"{r['validations']} x {r['val_images']}",
            f"{r['ms_per_image']:.0f}{weights}", f"{r['val_minutes']:.0f}",
            f"{r['total_minutes']:.0f}", recorded, ratio])
    lines += markdown_table(
        ['config', 'precision', 'threads', 's/step (steps timed)',
         'load s/batch (workers, core)', 's/iter', 'iterations', 'train min',
         'validations x images', 'ms/image', 'val min', 'projected min',
         'recorded train min', 'recorded / projected train'], table)
    total = sum(r['total_minutes'] for r in rows)
    lines += ['', f'**Projected wall time with `--jobs {jobs}`: {wall:.0f} '
              f'min ({wall / 60:.1f} h)**, the configs taken in the order '
              f'above by {jobs} worker(s); {total:.0f} min of runs in all.']
    return '\n'.join(lines) + '\n'

"""Hyper-parameter sweeps: many runs of one config, run in parallel and
resumably, collected into tables and plots.

The pieces, in the order a sweep goes through them:

* :mod:`.grid`, :mod:`.specfile`, :mod:`.presets`: what to run (axes, seeds,
  the RetinaNet paper's Table 1 protocols);
* :mod:`.schedule`: ``--max-iters`` as a consistently shortened schedule;
* :mod:`.overrides`: passing values through ``--cfg-options`` faithfully;
* :mod:`.plan`: the checked list of runs, written to sweep.json/run.json;
* :mod:`.scheduler` (+ :mod:`.progress`), :mod:`.slurm`: running them here
  or as a Slurm job array;
* :mod:`.rundir`: the on-disk layout, the sweep's only state;
* :mod:`.collect` (rows), :mod:`.summary`, :mod:`.plots`, :mod:`.report`
  (:func:`~.report.collect_sweep` ties them): tables,
  plots, summary.md and docs/ablations.md.

:mod:`.api` strings them together for ``tools/sweep.py``.
"""

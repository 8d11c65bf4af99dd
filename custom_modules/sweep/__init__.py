"""Hyper-parameter sweeps: many runs of one config, in parallel and
resumably, collected into tables and plots. Four steps, one module each:

* :mod:`.spec`: what to run (axes, seeds, references; presets are the spec
  files of configs/sweeps/);
* :mod:`.schedule`: ``--max-iters`` as the same schedule compressed (also
  what ``tools/train.py --max-iters`` uses);
* :mod:`.launch`: each run's config dumped into its own work dir and
  trained by ``tools/train.py``, here or as a Slurm array;
* :mod:`.results`: the run dirs back into results.csv, summary.md, plots
  and a section of docs/ablations.md.
"""

"""Grid expansion and sweep specs: flags, YAML and Python spec files, and
the presets, which are spec files of configs/sweeps/."""
import pytest

from custom_modules.sweep.spec import (SEED_KEY, build_spec, expand_points,
                                       expand_runs, load_spec_file,
                                       parse_axis, parse_seeds, parse_value,
                                       presets, short_key_names,
                                       split_top_level)

G, A = 'model.bbox_head.loss_cls.gamma', 'model.bbox_head.loss_cls.alpha'
GAMMA, ALPHA = G, A
CE_BASELINE = {G: 0, A: 0.5, 'model.bbox_head.loss_cls.loss_weight': 2.0}


def test_values_are_python_literals():
    assert parse_value('0.25') == 0.25 and isinstance(parse_value('2'), int)
    assert parse_value('True') is True and parse_value('None') is None
    assert parse_value("'FocalLoss'") == 'FocalLoss'
    assert parse_value('FocalLoss') == 'FocalLoss'   # bare word: a string
    assert parse_value('[1, 2]') == [1, 2]
    assert parse_value('(800, 1333)') == (800, 1333)
    with pytest.raises(ValueError):
        parse_value('[1, 2')                          # broken literal


def test_axis_splits_at_top_level_commas_only():
    assert split_top_level("[1,2],(3,4),'a,b'") == ['[1,2]', '(3,4)', "'a,b'"]
    axis = parse_axis('train_dataloader.dataset.pipeline.2.scale='
                      '(128,128),(160,160)')
    assert axis.key == 'train_dataloader.dataset.pipeline.2.scale'
    assert axis.values == [(128, 128), (160, 160)]
    with pytest.raises(ValueError):
        parse_axis('no_equals_sign')


def test_seeds():
    assert parse_seeds('0,1') == [0, 1]
    assert parse_seeds('0-3') == [0, 1, 2, 3]
    assert parse_seeds(None) == [None]


def test_cartesian_product_first_axis_slowest():
    points = expand_points([parse_axis(f'{G}=0,2'),
                            parse_axis(f'{A}=0.25,0.5,0.75')])
    assert len(points) == 6
    assert points[0] == {G: 0, A: 0.25} and points[1] == {G: 0, A: 0.5}
    assert points[3] == {G: 2, A: 0.25}


def test_zip_pairs_and_needs_equal_lengths():
    axes = [parse_axis('optim_wrapper.optimizer.lr=0.01,0.02'),
            parse_axis('train_dataloader.batch_size=8,16')]
    assert expand_points(axes, zip_axes=True) == [
        {'optim_wrapper.optimizer.lr': 0.01, 'train_dataloader.batch_size': 8},
        {'optim_wrapper.optimizer.lr': 0.02, 'train_dataloader.batch_size': 16}]
    with pytest.raises(ValueError, match='equal length'):
        expand_points([axes[0], parse_axis('train_dataloader.batch_size=8')],
                      zip_axes=True)


def test_run_ids_are_readable_stable_and_seed_major():
    spec = build_spec([f'{G}=0,2', f'{A}=0.25'], seeds='0,1')
    runs = expand_runs(spec)
    assert [r.run_id for r in runs] == [
        'gamma=0_alpha=0.25_seed=0', 'gamma=2_alpha=0.25_seed=0',
        'gamma=0_alpha=0.25_seed=1', 'gamma=2_alpha=0.25_seed=1']
    assert runs[2].overrides == {G: 0, A: 0.25, SEED_KEY: 1}
    assert [r.run_id for r in expand_runs(build_spec(
        [f'{G}=0,2', f'{A}=0.25'], seeds='0,1'))] == [r.run_id for r in runs]


def test_short_names_disambiguate_equal_leaves():
    names = short_key_names(['optim_wrapper.optimizer.lr', 'model.head.lr',
                             G])
    assert names == {'optim_wrapper.optimizer.lr': 'optimizer.lr',
                     'model.head.lr': 'head.lr', G: 'gamma'}


def test_colliding_run_ids_are_refused():
    # Directory names drop unsafe characters: 'a b' and 'ab' both become
    # 'ab', and two runs must never write into one directory.
    with pytest.raises(ValueError, match='share the directory'):
        expand_runs(build_spec(["model.x='a b','ab'"]))


def test_yaml_spec_file(tmp_path):
    path = tmp_path / 'sweep.yaml'
    path.write_text(f"""
name: focal_grid
grid:
  {G}: [0, 0.5, 2]
  {A}: 0.25,0.75
seeds: [0, 1]
max_iters: 50
cfg_options:
  optim_wrapper.optimizer.lr: 1e-3
""")
    spec_file = load_spec_file(str(path))
    assert spec_file['cfg_options']['optim_wrapper.optimizer.lr'] == 1e-3
    spec = build_spec(spec_file=spec_file)
    runs = expand_runs(spec)
    assert len(runs) == 3 * 2 * 2
    assert runs[0].overrides == {G: 0, A: 0.25, SEED_KEY: 0}
    # Flags win over the file.
    assert build_spec(seeds='5', spec_file=spec_file).seeds == [5]


def test_python_spec_file_dict_literal_and_module(tmp_path):
    literal = tmp_path / 'literal.py'
    literal.write_text(f"{{'grid': {{'{G}': [1, 2]}}, 'zip': False}}\n")
    module = tmp_path / 'module.py'
    module.write_text(f"gammas = [1, 2]\ngrid = {{'{G}': gammas}}\n"
                      "seeds = [3]\n")
    for path in (literal, module):
        spec = build_spec(spec_file=load_spec_file(str(path)))
        assert [r.overrides[G] for r in expand_runs(spec)] == [1, 2]
    assert expand_runs(build_spec(spec_file=load_spec_file(str(module))))[0] \
        .seed == 3


def test_spec_file_rejects_unknown_keys(tmp_path):
    path = tmp_path / 'bad.yaml'
    path.write_text('grdi: {a: [1]}\n')
    with pytest.raises(ValueError, match='unknown spec keys'):
        load_spec_file(str(path))


def test_focal_gamma_preset_is_table_1b_plus_ce():
    assert presets() == ['focal-alpha', 'focal-gamma']
    runs = expand_runs(build_spec(preset='focal-gamma'))
    grid = [r for r in runs if r.label is None]
    assert len(grid) == 7 * 3
    assert sorted({r.overrides[GAMMA] for r in grid}) == [0, 0.1, 0.2, 0.5, 1,
                                                        2, 5]
    assert sorted({r.overrides[ALPHA] for r in grid}) == [0.25, 0.5, 0.75]
    ce = [r for r in runs if r.label == 'CE']
    assert len(ce) == 1 and ce[0].run_id == 'CE'
    assert ce[0].overrides == CE_BASELINE
    assert build_spec(preset='focal-gamma').best_over == ALPHA


def test_focal_alpha_preset_is_table_1a():
    runs = expand_runs(build_spec(preset='focal-alpha'))
    grid = [r for r in runs if r.label is None]
    assert [r.overrides[ALPHA] for r in grid] == [0.25, 0.5, 0.75, 0.9, 0.99,
                                                  0.999]
    assert {r.overrides[GAMMA] for r in grid} == {0}


def test_ce_baseline_is_exactly_sigmoid_cross_entropy():
    """FocalLoss(gamma=0, alpha=0.5, loss_weight=2) == BCE with logits,
    which is why the preset uses it as the non-alpha-balanced baseline."""
    import torch
    import torch.nn.functional as F
    from mmdet.models.losses import FocalLoss
    torch.manual_seed(0)
    logits = torch.randn(50, 6) * 3
    labels = torch.randint(0, 7, (50,))         # 6 = background
    loss = FocalLoss(gamma=0.0, alpha=0.5, loss_weight=2.0, reduction='sum')
    onehot = F.one_hot(labels, 7)[:, :6].float()
    ref = F.binary_cross_entropy_with_logits(logits, onehot, reduction='sum')
    assert torch.allclose(loss(logits, labels), ref, rtol=1e-5)


def test_preset_grid_narrows_an_axis_and_keeps_the_baseline():
    spec = build_spec([f'{GAMMA}=0,2,5', f'{ALPHA}=0.25,0.75'],
                      seeds='0,1', preset='focal-gamma')
    runs = expand_runs(spec)
    grid = [r for r in runs if r.label is None]
    assert sorted({(r.overrides[GAMMA], r.overrides[ALPHA]) for r in grid}) \
        == [(0, 0.25), (0, 0.75), (2, 0.25), (2, 0.75), (5, 0.25), (5, 0.75)]
    assert len(grid) == 6 * 2
    ce = [r for r in runs if r.label == 'CE']
    assert len(ce) == 2 and all(r.point == CE_BASELINE for r in ce)
    assert spec.best_over == ALPHA and spec.preset == 'focal-gamma'


def test_preset_grid_on_a_foreign_key_is_refused():
    with pytest.raises(ValueError, match='not an axis of the preset'):
        build_spec(['optim_wrapper.optimizer.lr=1e-3,2e-3'],
                   preset='focal-gamma')
    with pytest.raises(ValueError, match="unknown preset 'focal-beta'"):
        build_spec(preset='focal-beta')


def test_references_only_spec(tmp_path):
    path = tmp_path / 'refs.yaml'
    path.write_text('references:\n  base: {}\n  big: {train_dataloader.'
                    'batch_size: 16}\nseeds: 0-1\n')
    runs = expand_runs(build_spec(spec_file=load_spec_file(str(path))))
    assert [r.run_id for r in runs] == ['base_seed=0', 'big_seed=0',
                                        'base_seed=1', 'big_seed=1']
    assert runs[1].overrides == {'train_dataloader.batch_size': 16,
                                 SEED_KEY: 0}

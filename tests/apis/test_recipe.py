"""custom_modules/apis/recipe.py: the fingerprint that decides whether a
recorded result still stands for a config."""
import os.path as osp

from custom_modules.apis import recipe


def test_recipe_fingerprint_follows_the_recipe_not_the_hooks(tmp_path):
    base = osp.abspath('configs/ssd300.py')
    same = tmp_path / 'hooks.py'
    same.write_text(f"_base_ = '{base}'\n"
                    "default_hooks = dict(checkpoint=dict(interval=7))\n")
    other = tmp_path / 'lr.py'
    other.write_text(f"_base_ = '{base}'\n"
                     "optim_wrapper = dict(optimizer=dict(lr=0.5))\n")
    fp = recipe.recipe_fingerprint
    assert fp(str(same)) == fp('configs/ssd300.py')
    assert fp(str(other)) != fp('configs/ssd300.py')
    assert fp('configs/ssd512.py') != fp('configs/ssd300.py')


def test_recipe_fingerprint_ignores_spellings_of_the_same_recipe(tmp_path):
    """A default stated as None, or the loader that skips unreadable
    images, trains the same model: the record must not lose its rows."""
    base = osp.abspath('configs/ssd300.py')
    spelled = tmp_path / 'spelled.py'
    spelled.write_text(
        f"_base_ = '{base}'\n"
        "model = dict(backbone=dict(init_cfg=None))\n"
        "train_pipeline = _base_.train_pipeline\n"
        "train_pipeline[0].type = 'LoadImageFromFile'\n"
        "train_pipeline[1].update(backend_args=None)\n"
        "train_dataloader = dict(dataset=dict(pipeline=train_pipeline))\n")
    flipped = tmp_path / 'flip.py'
    flipped.write_text(
        f"_base_ = '{base}'\n"
        "train_pipeline = _base_.train_pipeline\n"
        "train_pipeline[3].prob = 0.0\n"
        "train_dataloader = dict(dataset=dict(pipeline=train_pipeline))\n")
    fp = recipe.recipe_fingerprint
    assert fp(str(spelled)) == fp('configs/ssd300.py')
    assert fp(str(flipped)) != fp('configs/ssd300.py')

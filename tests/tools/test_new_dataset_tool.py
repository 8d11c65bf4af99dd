"""The issue's path, as a user types it: a LabelImg folder -> new_dataset.py
-> train.py -> test.py -> infer.py, with no edit in between."""
import json
import os
import os.path as osp

from PIL import Image

from conftest import tool_main
from messy_folders import labelimg_folder
import pytest

# End-to-end runs of the real tools: make test-fast skips them.
pytestmark = pytest.mark.slow

SMALL = ['train_cfg.max_iters=2', 'train_cfg.val_interval=2',
         'default_hooks.checkpoint.interval=2', 'train_dataloader.batch_size=2']
for _loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
    SMALL += [f'{_loader}.num_workers=0',
              f'{_loader}.persistent_workers=False']


def test_labelimg_folder_to_trained_evaluated_detector(tmp_path, capsys):
    src = labelimg_folder(str(tmp_path / 'photos'))
    configs = tmp_path / 'configs'
    tool_main('new_dataset')([
        src, '--name', 'pets', '--data-dir', str(tmp_path / 'data'),
        '--config-dir', str(configs),
        '--models', 'retinanet_r50_fpn,cascade_rcnn_r50_fpn'])
    out = capsys.readouterr().out
    assert 'voc folder' in out and '2 classes (cat, dog)' in out
    assert '1  boxes over the border (clipped)' in out
    assert 'next: python tools/train.py' in out
    for model in ('retinanet_r50_fpn', 'cascade_rcnn_r50_fpn'):
        config = str(configs / f'{model}.py')
        work = str(tmp_path / 'work' / model)
        tool_main('train')([config, '--work-dir', work,
                            '--cfg-options', *SMALL])
        assert osp.isfile(osp.join(work, 'iter_2.pth'))
        with open(osp.join(work, 'val_metrics_last.json')) as f:
            assert 'coco/bbox_mAP' in json.load(f)
    retina = str(configs / 'retinanet_r50_fpn.py')
    work = str(tmp_path / 'work' / 'retinanet_r50_fpn')
    tool_main('test')([retina, work, '--work-dir', str(tmp_path / 'test'),
                       '--cfg-options', *SMALL])
    assert 'mAP_50' in capsys.readouterr().out
    tool_main('infer')([retina, work, osp.join(src, 'images'),
                        '--out', str(tmp_path / 'infer'),
                        '--score-thr', '0'])
    assert 'detections >= 0.0' in capsys.readouterr().out
    with open(tmp_path / 'infer' / 'detections.json') as f:
        coco = json.load(f)
    assert [c['name'] for c in coco['categories']] == ['cat', 'dog']
    names = sorted(i['file_name'] for i in coco['images'])
    assert names == sorted(os.listdir(osp.join(src, 'images')))
    # The frame the model saw: rot.jpg is shown rotated by its EXIF tag.
    sizes = {i['file_name']: (i['width'], i['height'])
             for i in coco['images']}
    assert sizes['cat 1.jpg'] == (64, 48)
    # mmcv's loader applies the EXIF tag of the raw 60x40 photo.
    assert sizes['rot.jpg'] == (40, 60)
    for name in names:
        with Image.open(tmp_path / 'infer' / 'vis' / name) as im:
            im.verify()

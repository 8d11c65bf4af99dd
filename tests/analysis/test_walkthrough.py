"""The walkthrough on real models built through the registry (random
weights, the tiny embedded dataset): its counts against numbers computed by
hand from the architecture and the config, and its page as a file that
parses, whose every picture is a PNG on disk."""
import json
import os.path as osp
from html.parser import HTMLParser

import pytest
from PIL import Image

from conftest import REPO, shapes_overrides, tool_main
from custom_modules.analysis import walkthrough, walkthrough_page


class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.images, self.sections = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == 'img':
            self.images.append(attrs['src'])
        if tag == 'h2':
            self.sections.append(attrs['id'])


def page_of(out):
    parser = Page()
    with open(osp.join(out, 'index.html'), encoding='utf-8') as f:
        text = f.read()
    parser.feed(text)
    for src in parser.images:
        with Image.open(osp.join(out, src)) as im:
            assert im.format == 'PNG' and min(im.size) > 50
    with open(osp.join(out, 'walkthrough.json')) as f:
        record = json.load(f)
    return text, parser, record


@pytest.fixture(scope='module')
def walked(tiny_shapes, tmp_path_factory):
    """config name -> (html, parsed page, walkthrough.json), one page per
    config, made once for the module."""
    cache = {}

    def make(name):
        if name not in cache:
            out = str(tmp_path_factory.mktemp(name))
            walkthrough.run(f'{REPO}/configs/{name}.py', None, out,
                            cfg_options=shapes_overrides(tiny_shapes))
            cache[name] = page_of(out) + (out,)
        return cache[name]
    return make


def test_refinedet320_tiles_6375_anchors(walked):
    html, page, record = walked('refinedet320')[:3]
    steps = record['steps']
    # Strides 8, 16, 32, 64 on a 320 input: 40, 20, 10, 5 cells a side,
    # 3 anchors each (aspect ratios 1, 2, 1/2).
    assert steps['anchors']['per_level'] == [40 * 40 * 3, 20 * 20 * 3,
                                             10 * 10 * 3, 5 * 5 * 3]
    assert steps['anchors']['anchors'] == 6375
    assert steps['refinedet']['anchors'] == 6375
    assert 0 <= steps['refinedet']['kept'] <= 6375
    assert steps['refinedet']['arm_positives'] == steps['positives'][
        'positives'] == sum(steps['positives']['per_object'])
    # Every object gets at least its best anchor.
    assert min(steps['positives']['per_object']) >= 1
    assert page.sections == ['input', 'features', 'anchors', 'positives',
                             'refinedet', 'detections']
    assert 'Random weights' in html
    assert record['trained'] is False
    levels = steps['features']['levels']
    assert [s[2:] for s in next(iter(levels.values()))] == [
        [40, 40], [20, 20], [10, 10], [5, 5]]


def test_faster_rcnn_proposal_counts_are_the_configs(walked):
    from mmengine.config import Config
    _, page, record = walked('faster_rcnn_r50_fpn')[:3]
    cfg = Config.fromfile(f'{REPO}/configs/faster_rcnn_r50_fpn.py')
    rpn_test = cfg.model.test_cfg.rpn
    sampler = cfg.model.train_cfg.rcnn.sampler
    rpn = record['steps']['rpn']
    h, w = record['steps']['input']['input_shape'][2:]
    # FPN levels at strides 4..64, 3 anchors per cell.
    cells = [(h // s) * (w // s) * 3 for s in (4, 8, 16, 32, 64)]
    assert rpn['anchors'] == sum(cells) == record['steps']['anchors'][
        'anchors']
    assert rpn['nms_pre'] == rpn_test.nms_pre
    assert rpn['before_nms'] == sum(min(rpn_test.nms_pre, n) for n in cells)
    assert rpn['max_per_img'] == rpn_test.max_per_img
    assert 0 < rpn['after_nms'] <= rpn_test.max_per_img
    assert rpn['train_proposals'] <= cfg.model.train_cfg.rpn_proposal[
        'max_per_img']
    # 1000 proposals + the ground truth are plenty: the sampler fills its
    # quota, with at most pos_fraction positives.
    assert rpn['sampled_positive'] + rpn['sampled_negative'] == sampler.num
    assert 1 <= rpn['sampled_positive'] <= sampler.num * sampler.pos_fraction
    assert 'rpn' in page.sections


def test_retinanet_focal_weights_silence_easy_negatives(walked):
    _, page, record = walked('retinanet_r50_fpn')[:3]
    steps = record['steps']
    classes = 6
    kept = steps['anchors']['anchors'] - steps['positives']['ignored']
    r = steps['retinanet']
    assert r['binary_targets'] == kept * classes
    # At init every probability is the prior 0.01: background targets are
    # easy (p_t = 0.99). Cross-entropy gives them most of the loss; the
    # focal term (gamma > 0) takes nearly all of it away.
    assert r['easy_share_ce'] > 0.5
    assert r['easy_share_focal'] < 0.1 < r['easy_share_ce']


def test_ssd300_default_boxes_and_hard_negatives(walked):
    _, page, record = walked('ssd300')[:3]
    steps = record['steps']
    # 38, 19, 10, 5, 3, 1 cells a side; 4 or 6 boxes per cell.
    assert steps['anchors']['per_cell'] == [4, 6, 6, 6, 4, 4]
    assert steps['anchors']['anchors'] == (38 * 38 * 4 + 19 * 19 * 6
                                           + 10 * 10 * 6 + 5 * 5 * 6
                                           + 3 * 3 * 4 + 1 * 4) == 8732
    assert steps['ssd']['hard_negatives'] == 3 * steps['ssd']['positives']


def test_cascade_and_mask_steps(walked):
    _, page, record = walked('cascade_mask_rcnn_r50_fpn')[:3]
    steps = record['steps']
    assert len(steps['cascade']['mean_iou']) == 4  # proposal + 3 stages
    assert page.sections[-3:] == ['cascade', 'mask', 'detections']
    n, classes, h, w = steps['mask']['mask_logits']
    assert (classes, h, w) == (6, 28, 28) and 1 <= n <= 6


@pytest.mark.slow  # an end-to-end run: make test, not test-fast
def test_image_outside_the_dataset_on_a_coco_config(tiny_shapes, tmp_path):
    """Any config, even one whose dataset is not on disk, with --image."""
    image = osp.join(tiny_shapes, 'val', '000000.jpg')
    out = str(tmp_path / 'w')
    walkthrough.run(f'{REPO}/configs/coco/retinanet_r50_fpn_1x_coco.py', None,
                    out, image=image)
    html, page, record = page_of(out)
    assert 'positives' not in page.sections
    assert 'no ground truth' in html
    # 1333x800 keeps the ratio: the short side of a small image goes to 800.
    assert record['steps']['input']['input_shape'][2] == 800


def test_tool_errors_are_one_line(tiny_shapes, tmp_path, capsys):
    main = tool_main('walkthrough')
    opts = [f'{k}={v}' for k, v in shapes_overrides(tiny_shapes).items()]
    with pytest.raises(SystemExit) as e:
        main([f'{REPO}/configs/ssd300.py', '--index', '99', '--out',
              str(tmp_path), '--cfg-options', *opts])
    assert e.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err == ('error: --index 99: the val split has 4 images; give '
                   '0..3')
    with pytest.raises(SystemExit):
        main([f'{REPO}/configs/ssd300.py', '--image', 'nope.jpg', '--out',
              str(tmp_path)])
    assert 'nope.jpg: no such image file' in capsys.readouterr().err


@pytest.mark.skipif(not walkthrough_page.browser(),
                    reason='needs Chromium (apt-get install chromium)')
def test_page_renders_in_a_headless_browser(walked, tmp_path):
    out = walked('refinedet320')[3]
    shot = walkthrough_page.screenshot(osp.join(out, 'index.html'),
                                       str(tmp_path / 'shot.png'),
                                       width=800, height=1200)
    with Image.open(shot) as im:
        assert im.size == (800, 1200)
        # Something was drawn: the page is not one flat colour.
        assert len(set(im.convert('L').getdata())) > 20

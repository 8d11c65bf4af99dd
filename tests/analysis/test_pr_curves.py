"""PR curves from COCOeval on hand-built ground truth: a perfect detector's
curve is 1 at every recall; a class found half the time drops to 0 past
recall 0.5; the tool writes a PNG."""
import json

import numpy as np
from pycocotools.coco import COCO

from custom_modules.analysis.pr_curves import plot, pr_curves


def coco_gt(tmp_path):
    images = [dict(id=i, file_name=f'{i}.png', width=100, height=100)
              for i in range(4)]
    anns = []
    for i in range(4):
        for cat, x in ((1, 10), (2, 60)):
            anns.append(dict(id=len(anns) + 1, image_id=i, category_id=cat,
                             bbox=[x, 10, 30, 30], area=900, iscrowd=0))
    path = tmp_path / 'gt.json'
    path.write_text(json.dumps(dict(images=images, annotations=anns,
                                    categories=[dict(id=1, name='a'),
                                                dict(id=2, name='b')])))
    import contextlib
    import io
    with contextlib.redirect_stdout(io.StringIO()):
        return COCO(str(path))


def test_perfect_and_half_found_classes(tmp_path):
    gt = coco_gt(tmp_path)
    results = [dict(image_id=i, category_id=1, bbox=[10, 10, 30, 30],
                    score=0.9) for i in range(4)]
    results += [dict(image_id=i, category_id=2, bbox=[60, 10, 30, 30],
                     score=0.9) for i in range(2)]  # b found in 2 of 4
    curves = pr_curves(gt, results, ('a', 'b'))
    assert set(curves) == {0.5, 0.75}
    np.testing.assert_array_equal(curves[0.5]['a'], np.ones(101))
    b = curves[0.75]['b']
    assert (b[:51] == 1).all() and (b[51:] == 0).all()  # recall stops at .5
    out = plot(curves, str(tmp_path / 'pr.png'))
    assert open(out, 'rb').read(8) == b'\x89PNG\r\n\x1a\n'


def test_no_detections_gives_unreached_curves(tmp_path):
    curves = pr_curves(coco_gt(tmp_path), [], ('a', 'b'))
    assert (curves[0.5]['a'] == -1).all()

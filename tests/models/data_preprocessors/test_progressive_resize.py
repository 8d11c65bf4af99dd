"""ProgressiveResize: the scheduled size at each phase, with images and
boxes rescaled by the same per-axis factors, and the full size at the end."""
import pytest
import torch
from mmengine.logging import MessageHub
from mmengine.structures import InstanceData
from mmdet.structures import DetDataSample
from mmdet.structures.bbox import HorizontalBoxes

from custom_modules.models.data_preprocessors import ProgressiveResize


def batch():
    inputs = torch.rand(2, 3, 192, 160)
    samples = []
    for _ in range(2):
        s = DetDataSample(metainfo=dict(img_shape=(192, 150),
                                        pad_shape=(192, 160)))
        s.gt_instances = InstanceData(
            bboxes=HorizontalBoxes(torch.tensor([[16., 24., 80., 120.]])),
            labels=torch.tensor([0]))
        samples.append(s)
    return inputs, samples


def at(it, max_iters=100):
    hub = MessageHub.get_current_instance()
    hub.update_info('iter', it)
    hub.update_info('max_iters', max_iters)


RESIZE = ProgressiveResize(schedule=((0.5, 128), (0.75, 160)))


def test_first_phase_scales_to_128_long_side():
    at(0)
    inputs, samples = RESIZE(*batch())
    # 192 x 160 -> long side 128: 128 x 106.7, rounded to /32: 128 x 96.
    assert inputs.shape == (2, 3, 128, 96)
    sx, sy = 96 / 160, 128 / 192
    box = samples[0].gt_instances.bboxes.tensor[0].tolist()
    assert box == pytest.approx([16 * sx, 24 * sy, 80 * sx, 120 * sy])
    assert samples[0].img_shape == (128, 90)
    assert samples[0].batch_input_shape == (128, 96)


def test_second_phase_then_full_size():
    at(60)
    inputs, _ = RESIZE(*batch())
    assert inputs.shape == (2, 3, 160, 128)
    at(75)
    inputs, samples = RESIZE(*batch())
    assert inputs.shape == (2, 3, 192, 160)
    assert samples[0].gt_instances.bboxes.tensor[0].tolist() == [
        16., 24., 80., 120.]


def test_phases_follow_a_compressed_schedule():
    at(30, max_iters=40)  # 75% of a 40-iteration run: the full size
    inputs, _ = RESIZE(*batch())
    assert inputs.shape[-2:] == (192, 160)


def test_outside_a_runner_the_batch_is_untouched():
    hub = MessageHub.get_instance('no_runner_here')
    assert hub.get_info('max_iters') is None
    inputs, _ = RESIZE(*batch())
    assert inputs.shape[-2:] == (192, 160)


def test_resized_batch_interpolates_the_image():
    at(0)
    inputs = torch.zeros(1, 1, 64, 64)
    inputs[..., :, 32:] = 1.0
    sample = DetDataSample(metainfo=dict(img_shape=(64, 64)))
    out, _ = ProgressiveResize(((1.0, 32),))(inputs, [sample])
    assert out.shape == (1, 1, 32, 32)
    assert out[0, 0, :, :15].max() == 0 and out[0, 0, :, 17:].min() == 1


@pytest.mark.parametrize('kind', ['bitmap', 'polygon'])
def test_instance_masks_follow_the_boxes(kind):
    """A mask padded to the batch canvas (DetDataPreprocessor's pad_mask)
    is rescaled by the batch's factors, so it still fills its box."""
    import numpy as np
    from mmdet.structures.mask import BitmapMasks, PolygonMasks
    inputs, samples = batch()
    box = [16, 24, 80, 120]
    if kind == 'bitmap':
        bitmap = np.zeros((1, 192, 160), dtype=np.uint8)
        bitmap[0, 24:120, 16:80] = 1
        masks = BitmapMasks(bitmap, 192, 160)
    else:
        x0, y0, x1, y1 = box
        masks = PolygonMasks(
            [[np.array([x0, y0, x1, y0, x1, y1, x0, y1], float)]], 192, 160)
    samples[0].gt_instances.masks = masks
    at(0)
    _, samples = RESIZE(inputs, samples)
    masks = samples[0].gt_instances.masks
    assert (masks.height, masks.width) == (128, 96)
    sx, sy = 96 / 160, 128 / 192
    area = masks.to_ndarray()[0].sum()
    assert area == pytest.approx((80 - 16) * sx * (120 - 24) * sy, rel=0.05)
    ys, xs = np.nonzero(masks.to_ndarray()[0])
    assert [xs.min(), ys.min()] == [round(16 * sx), round(24 * sy)]


def test_bad_schedule_is_refused():
    with pytest.raises(ValueError, match='must increase within'):
        ProgressiveResize(schedule=((0.75, 160), (0.5, 128)))

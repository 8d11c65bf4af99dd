"""The fixed-size latency probe that tools/gpu_check.sh runs on a GPU,
exercised here on the CPU at a small size: real models, real test_step."""
import json

from custom_modules.analysis import gpu_inference


def test_probe_times_fp32_and_amp_and_writes_json(tmp_path):
    out = tmp_path / 'gpu_inference.json'
    gpu_inference.main([str(out), 'configs/retinanet_r50_fpn.py', '--size', '64',
                        '96', '--iters', '2', '--warmup', '1'])
    record = json.loads(out.read_text())
    rows = record['results']
    assert [r['amp'] for r in rows] == [False, True]
    for r in rows:
        assert r['config'] == 'configs/retinanet_r50_fpn.py'
        assert r['size_hw'] == [64, 96]
        assert r['iters'] == 2 and 0 < r['ms_min'] <= r['ms_median']
    assert record['environment']['gpu'] == 'none'  # no CUDA in CI


def test_synthetic_batch_has_the_metainfo_test_step_needs():
    batch = gpu_inference.synthetic_batch((32, 48), 'cpu')
    [image], [sample] = batch['inputs'], batch['data_samples']
    assert image.shape == (3, 32, 48) and image.dtype.is_floating_point is False
    assert sample.metainfo['img_shape'] == (32, 48)
    assert sample.metainfo['scale_factor'] == (1.0, 1.0)

from custom_modules.apis.test import format_metrics


def test_summary_and_per_class_rows():
    m = {'coco/bbox_mAP': 0.5, 'coco/bbox_mAP_50': 0.75,
         'coco/bbox_mAP_75': 0.5, 'coco/bbox_mAP_s': 0.25,
         'coco/bbox_mAP_m': 0.5, 'coco/bbox_mAP_l': 1.0,
         'coco/bbox_AP_star': 0.125, 'coco/bbox_AP50_star': 0.25,
         'coco/bbox_AP75_star': 0.0}
    text = format_metrics(m).splitlines()
    assert text[1].split() == ['0.500', '0.750', '0.500', '0.250', '0.500',
                               '1.000']
    assert text[3].split() == ['star', '0.125', '0.250', '0.000']


def test_voc_metrics_are_printed():
    assert 'pascal_voc/mAP: 0.8040' in format_metrics(
        {'pascal_voc/mAP': 0.804})

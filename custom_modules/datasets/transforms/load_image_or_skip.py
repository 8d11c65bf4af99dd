"""Load a training image, or skip it, with a warning, when it cannot be read.

Real photo folders hold the odd truncated JPEG or a file that is really an
HTML error page. mmcv's LoadImageFromFile raises on them, and in a
DataLoader worker that kills the whole run an hour in. This transform
returns None instead, which mmengine's BaseDataset answers, in training, by
drawing another image (up to ``max_refetch`` times); the warning names the
file, so it can be fixed or removed (``tools/validate_dataset.py`` lists
every unreadable image before a run starts).

Use it in training pipelines only: a test set must not silently lose an
image, and mmengine refuses a None there.
"""
from mmcv.transforms import LoadImageFromFile
from mmdet.registry import TRANSFORMS
from mmengine.logging import print_log


@TRANSFORMS.register_module()
class LoadImageOrSkip(LoadImageFromFile):

    def transform(self, results: dict):
        try:
            return super().transform(results)
        except Exception as err:  # noqa: BLE001  (decoders raise anything)
            reason = str(err).splitlines()[0] if str(err) else type(err).__name__
            print_log(f'skipping unreadable image {results["img_path"]} '
                      f'({reason}); the run goes on with another one.',
                      logger='current', level=30)
            return None

from .load_image_or_skip import LoadImageOrSkip

__all__ = ['LoadImageOrSkip']

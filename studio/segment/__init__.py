"""Cut-out: turn an emoji picture on a light background into an RGBA sticker. Qt-free.

from studio.segment import Segmenter
seg = Segmenter.default()                 # our shipped model
cut = seg.cutout(pil_image)               # .rgba .mask .method .confidence .review
"""

from studio.segment.segmenter import CutoutResult, Segmenter, SegmenterError

__all__ = ["CutoutResult", "Segmenter", "SegmenterError"]

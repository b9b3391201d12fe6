"""The gallery: a model/view list of candidates with lazy thumbnails (originals or cut-outs),
keyboard triage and a large viewer."""

from studio.ui.gallery.model import CandidateRole, CutoutRole, GalleryModel, GalleryQuery
from studio.ui.gallery.panel import GalleryPanel
from studio.ui.gallery.pictures import Backdrop
from studio.ui.gallery.thumbnails import ThumbnailCache
from studio.ui.gallery.view import GalleryView

__all__ = [
    "Backdrop",
    "CandidateRole",
    "CutoutRole",
    "GalleryModel",
    "GalleryPanel",
    "GalleryQuery",
    "GalleryView",
    "ThumbnailCache",
]

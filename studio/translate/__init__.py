"""English (or another language) to Russian: Emojich reads Russian only. Qt-free.

`script` decides whether a text needs translating without importing anything heavy; `files`
knows the translator's folder layout; `marian` loads the model (torch, transformers) on first
use and translates with the model's own generation settings.
"""

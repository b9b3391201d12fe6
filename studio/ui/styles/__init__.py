"""The window's side of styles: the "Train a style" dialog, the training monitor, and the
sampler's style choice. Torch is never imported here; training runs on the generation worker."""

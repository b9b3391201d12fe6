"""Training and measuring the shipped cut-out network; never imported by the app at run time.

- `synth`: synthetic training and test pictures with exact alpha, from installed emoji designs;
- `train`: the resumable training command (`python -m studio.segment.training.train`);
- `evaluate`: the quality table (`python -m studio.segment.training.evaluate`).
"""

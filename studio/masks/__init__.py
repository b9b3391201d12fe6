"""studio.masks (see README: the parts)."""

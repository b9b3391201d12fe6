"""studio.segment (see README: the parts)."""

"""studio.engine (see README: the parts)."""

"""studio.pack (see README: the parts)."""

"""Feed importers: parsers (pure) and submissions of every sample."""

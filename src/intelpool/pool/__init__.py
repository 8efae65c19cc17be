"""The pool: contributions, observations, entities and relationships; ingest and reads."""

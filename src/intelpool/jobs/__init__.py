"""Background jobs: large submissions queued, run by workers, followed by their submitters."""

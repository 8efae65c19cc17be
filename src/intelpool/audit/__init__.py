"""Audit trail: who did what, when — submissions, content reads, membership and token changes."""

"""Threat assessments for the partners: built from what the viewer may see, rendered as one
self-contained HTML file or as a PDF made from that same HTML."""

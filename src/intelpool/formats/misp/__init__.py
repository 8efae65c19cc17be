"""MISP: the ``misp`` importer (event JSON, restSearch responses, feed directories) and the
``misp`` exporter (one MISP event per contribution, markings as MISP tags)."""

from intelpool.formats.misp import exporter, importer

__all__ = ["exporter", "importer"]

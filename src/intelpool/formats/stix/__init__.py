"""STIX 2.x: the ``stix`` importer (2.0 and 2.1 bundles) and exporter (2.1 bundles).

Importing the package registers both.
"""

import intelpool.formats.stix.exporter
import intelpool.formats.stix.importer  # noqa: F401

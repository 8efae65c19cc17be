"""HTTP interface: REST under /api/v1 (TAXII 2.1 under /taxii2/ comes with its issue)."""

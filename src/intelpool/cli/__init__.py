"""The ``intelpool`` command line: one module per command group."""

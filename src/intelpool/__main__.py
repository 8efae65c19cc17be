"""``python -m intelpool``: the command line, as the ``intelpool`` script runs it."""

from intelpool.cli.main import run

run()

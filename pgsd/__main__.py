"""`python -m pgsd` runs the same entry point as the `pgsd` console script."""

from pgsd.cli.main import entry

entry()

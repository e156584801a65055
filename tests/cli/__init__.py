"""CLI tests: the real `pgsd` command in a subprocess."""

"""The terminal app. Imported only by `pgsd tui` (and `pgsd` with no command): never by the headless CLI."""

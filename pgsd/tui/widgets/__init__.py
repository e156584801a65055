"""Widgets of the app; each keeps its state in attributes set by its screen and posts nested messages."""

"""The headless command line. Importing it must not import Textual: the app loads lazily."""

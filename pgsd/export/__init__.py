"""Export: a plan and change set as SQL, summary, JSON, Markdown or HTML text, and atomic file writes.

Shared by the CLI and the app so both write the same bytes. Pure except for
``write_atomic``; imports neither psycopg, keyring nor Textual.
"""

from pgsd.export.atomic import check_writable, write_atomic
from pgsd.export.render import FORMATS, JSON_FORMAT_VERSION, render, render_json, render_sql, render_summary

__all__ = [
    "FORMATS",
    "JSON_FORMAT_VERSION",
    "check_writable",
    "render",
    "render_json",
    "render_sql",
    "render_summary",
    "write_atomic",
]

"""psql meta-commands in a SQL side: which ones a load may leave out, and which change what psql would load.

A SQL side is plain SQL: pgsd never runs a meta-command (``sqlsplit`` sets the lines that
start with a backslash apart). Leaving one out loads what psql would load only when the
command is about psql's own display, variables or output, describes the database, moves
data, or is one of the ``\\restrict`` lines pg_dump writes around a dump: those are reported
as not run, and the load goes on. Any other command could make psql load something else,
and stops the load before anything runs:

* ``\\i``, ``\\ir``, ``\\include`` and ``\\include_relative`` read another file;
  ``\\c``/``\\connect`` changes the database;
* ``\\if``, ``\\elif``, ``\\else`` and ``\\endif`` decide which statements run;
* ``\\g`` and its variants, ``\\r``, ``\\e`` and the pipeline commands send, discard or
  edit the statement being written, so the statements are not the text's;
* ``\\!`` runs a shell command (which may run more SQL), ``\\q`` with statements after it
  ends the file early, and a command psql does not know stops psql's script too, with
  ``ON_ERROR_STOP``.

One line may hold several commands: as psql reads it, a command's name ends at a blank or
a backslash, its arguments at an unquoted backslash, which starts the next command, and
``\\\\`` ends the commands and starts SQL, which pgsd would not load. Every command of the
line is judged; a backslash inside an argument that psql would read whole (``\\!``,
``\\copy``) may be taken for a command: the line is then refused, never run.
"""

from __future__ import annotations

import re

_HARMLESS = re.compile(
    r"\\(?:"
    r"set|unset|getenv|setenv|pset|x|timing|echo|qecho|warn|o|out|w|write|p|print|t|a|f|H|C|T|encoding"
    r"|cd|prompt|errverbose|conninfo|copyright|\?|h|help|s|password"  # psql's display, variables, output
    r"|restrict|unrestrict"  # pg_dump's guard lines (since PostgreSQL 18.0, 17.6, 16.10, 15.14, 14.19, 13.22)
    r"|d[A-Za-z]*[+Sx]*|l[+x]*|list[+x]*|sf[+x]*|sv[+x]*|z[Sx]*"  # describing the database
    r"|copy|lo_import|lo_export|lo_list|lo_unlink"  # moving data, not schema
    r")\Z"
)
"""Commands a load may leave out: what psql would load stays the same."""

_QUITS = frozenset({"\\q", "\\quit"})

SQL_AFTER = "\\\\"
"""What ``commands`` gives for ``\\\\``: the end of the commands, with SQL after it on the line."""


def commands(line: str) -> list[str]:
    """The meta-commands of a line that starts with a backslash, as psql splits them (``SQL_AFTER`` for ``\\\\``)."""
    found: list[str] = []
    i, n = 0, len(line)
    quote = ""
    while i < n:
        c = line[i]
        if quote:
            if c == "\\" and quote == "'":
                i += 2
                continue
            if c == quote:
                quote = ""
            i += 1
            continue
        if c in "'\"`":
            quote = c
            i += 1
            continue
        if c != "\\":
            i += 1
            continue
        if line.startswith("\\\\", i):
            found.append(SQL_AFTER)
            break
        j = i + 1
        while j < n and not line[j].isspace() and line[j] != "\\":
            j += 1
        found.append(line[i:j])
        i = j
    return found


def refusal(line: str, *, statements_after: bool) -> str | None:
    """Why leaving the meta-command line out would load something else than psql would, or None.

    ``statements_after``: whether statements of the file end after this line (``\\q`` only
    changes what is loaded then).
    """
    for command in commands(line):
        if command == SQL_AFTER:
            return "SQL after \\\\ on a psql meta-command line is not run"
        if command in _QUITS:
            if statements_after:
                return f"psql meta-command {command} is not run, and psql would stop there"
            continue
        if not _HARMLESS.match(command):
            return f"psql meta-command {command} is not run"
    return None

"""pgsd: PostgreSQL schema diff.

Compares the schema of a *source* database (the desired state) with a *target*
database (the one to change) and plans the DDL that makes the target match.
"""

__version__ = "0.1.0"

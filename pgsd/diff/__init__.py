"""Comparison: two snapshots -> a change set (pure, no I/O)."""

from pgsd.diff.changes import Change, ChangeSet, DiffOptions, FieldChange, Status, diff_snapshots

__all__ = ["Change", "ChangeSet", "DiffOptions", "FieldChange", "Status", "diff_snapshots"]

"""SideHeader: one line per side with name, server, version, role and a warning marker."""

from __future__ import annotations

from rich.markup import escape
from textual.app import ComposeResult
from textual.containers import Vertical

from pgsd.model.snapshot import Snapshot
from pgsd.tui.widgets.title_bar import TitleBar

WARN = "⚠"


Badge = tuple[str, str]
"""A profile's (label, colour): how the user told their environments apart."""


def side_markup(role: str, name: str, snap: Snapshot | None, *, versions_differ: bool = False,
                snapshot: bool = False, badge: Badge | None = None) -> str:
    """``source  staging Staging · localhost:5432/shop · PG 18.1 · app ⚠ 1 hidden schema``.

    A profile's name is drawn in its colour and followed by its label (the "production
    is red" hint); a side read from a snapshot file says so, with when it was taken.
    """
    label, colour = badge or ("", "")
    style = f"b {colour}" if colour and _is_colour(colour) else "b"
    parts = []
    if name:
        parts.append(f"[{style}]{escape(name)}[/]" + (f" [{style} reverse] {escape(label)} [/]" if label else ""))
    if snapshot:
        taken = f" taken {escape(snap.taken_at[:16].replace('T', ' '))}" if snap is not None and snap.taken_at else ""
        parts.append(f"[b $warning]snapshot[/]{taken}")
    warnings: list[str] = []
    if snap is not None:
        if snap.origin and snap.origin != name:
            parts.append(escape(_short_origin(snap.origin)))
        server = snap.server
        if server is not None:
            parts.append(f"PG {escape(server.version)}")
            parts.append(escape(server.current_user) + (" (superuser)" if server.is_superuser else ""))
            if server.hidden_schemas:
                n = len(server.hidden_schemas)
                warnings.append(f"{n} hidden schema{'s' if n > 1 else ''}")
            elif server.warnings:
                warnings.append(f"{len(server.warnings)} warning{'s' if len(server.warnings) > 1 else ''}")
        elif snap.origin and not snapshot:
            parts.append("snapshot")
        if snap.warnings and not warnings:
            warnings.append(f"{len(snap.warnings)} warning{'s' if len(snap.warnings) > 1 else ''}")
    if versions_differ:
        warnings.append("versions differ")
    text = f"[b $accent]{role:<6}[/] " + " · ".join(parts)
    if warnings:
        text += f"  [b $warning]{WARN} {escape(', '.join(warnings))}[/]"
    return text


def _is_colour(text: str) -> bool:
    from textual.color import Color, ColorParseError

    try:
        Color.parse(text)
    except ColorParseError:
        return False
    return True


def _short_origin(origin: str) -> str:
    """``postgresql://app:***@db1:5432/shop`` -> ``db1:5432/shop``."""
    text = origin
    if "://" in text:
        text = text.split("://", 1)[1]
    if "@" in text:
        text = text.rsplit("@", 1)[1]
    if text.startswith("[socket "):
        text = "socket" + text[text.index("]") + 1:]
    return text


class SideHeader(Vertical):
    """Both sides of the comparison, source first."""

    def compose(self) -> ComposeResult:
        yield TitleBar("source", id="header-source", classes="side-line")
        yield TitleBar("target", id="header-target", classes="side-line")

    def show(self, source_name: str, source: Snapshot | None, target_name: str, target: Snapshot | None, *,
             snapshots: tuple[bool, bool] = (False, False),
             badges: tuple[Badge | None, Badge | None] = (None, None)) -> None:
        """Both sides; ``snapshots`` says which are snapshot files, ``badges`` their profiles' label and colour."""
        differ = bool(
            source is not None and target is not None and source.server and target.server
            and source.server.major != target.server.major
        )
        self.query_one("#header-source", TitleBar).update(
            side_markup("source", source_name, source, snapshot=snapshots[0], badge=badges[0]))
        self.query_one("#header-target", TitleBar).update(
            side_markup("target", target_name, target, versions_differ=differ, snapshot=snapshots[1], badge=badges[1]))
        tips: list[str] = []
        for snap in (source, target):
            if snap is not None:
                if snap.server is not None:
                    tips.extend(snap.server.warnings)
                tips.extend(snap.warnings)
        self.tooltip = "\n".join(dict.fromkeys(tips)) or None

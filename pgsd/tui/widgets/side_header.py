"""SideHeader: one line per side with name, server, version, role and a warning marker."""

from __future__ import annotations

from rich.markup import escape
from textual.app import ComposeResult
from textual.containers import Vertical
from pgsd.tui.widgets.title_bar import TitleBar

from pgsd.model.snapshot import Snapshot

WARN = "⚠"


def side_markup(role: str, name: str, snap: Snapshot | None, *, versions_differ: bool = False) -> str:
    """``source  staging · localhost:5432/shop · PG 18.1 · app ⚠ 1 hidden schema``."""
    parts = [f"[b]{escape(name)}[/]"] if name else []
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
        elif snap.origin:
            parts.append("snapshot")
        if snap.warnings and not warnings:
            warnings.append(f"{len(snap.warnings)} warning{'s' if len(snap.warnings) > 1 else ''}")
    if versions_differ:
        warnings.append("versions differ")
    text = f"[b $accent]{role:<6}[/] " + " · ".join(parts)
    if warnings:
        text += f"  [b $warning]{WARN} {escape(', '.join(warnings))}[/]"
    return text


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

    def show(self, source_name: str, source: Snapshot | None, target_name: str, target: Snapshot | None) -> None:
        differ = bool(
            source is not None and target is not None and source.server and target.server
            and source.server.major != target.server.major
        )
        self.query_one("#header-source", TitleBar).update(side_markup("source", source_name, source))
        self.query_one("#header-target", TitleBar).update(side_markup("target", target_name, target, versions_differ=differ))
        tips = []
        for snap in (source, target):
            if snap is not None:
                if snap.server is not None:
                    tips.extend(snap.server.warnings)
                tips.extend(snap.warnings)
        self.tooltip = "\n".join(dict.fromkeys(tips)) or None

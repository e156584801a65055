"""LoadProgress: what each side is doing while the catalogs are read (Esc cancels)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import ProgressBar, Static


class LoadProgress(Vertical):
    """One progress bar and step label per side."""

    def compose(self) -> ComposeResult:
        yield Static("Reading both catalogs…", id="progress-title")
        for side in ("source", "target"):
            with Horizontal(classes="progress-row"):
                yield Static(side, classes="progress-side")
                yield ProgressBar(id=f"progress-{side}", show_eta=False)
                yield Static("waiting", id=f"progress-{side}-step", classes="progress-step")
        yield Static("[dim]Esc cancels (the server queries are cancelled too)[/]", id="progress-hint")

    def reset(self, title: str) -> None:
        self.query_one("#progress-title", Static).update(title)
        for side in ("source", "target"):
            self.query_one(f"#progress-{side}", ProgressBar).update(total=None, progress=0)
            self.query_one(f"#progress-{side}-step", Static).update("connecting")

    def step(self, side: str, step: str, done: int, total: int) -> None:
        if side not in ("source", "target"):
            return
        self.query_one(f"#progress-{side}", ProgressBar).update(total=max(total, 1), progress=done)
        label = "done" if total and done >= total else step
        self.query_one(f"#progress-{side}-step", Static).update(label)

    def stopped(self, title: str) -> None:
        self.query_one("#progress-title", Static).update(title)

"""LoadProgress: what each side is doing while the catalogs are read (Esc cancels), or why it stopped."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import ProgressBar, Static

HINT = "[dim]Esc cancels (the server queries are cancelled too)[/]"


class LoadProgress(Vertical):
    """One progress bar and step label per side."""

    def compose(self) -> ComposeResult:
        yield Static("Reading both catalogs…", id="progress-title")
        for side in ("source", "target"):
            with Horizontal(classes="progress-row"):
                yield Static(side, classes="progress-side")
                yield ProgressBar(id=f"progress-{side}", show_eta=False)
                yield Static("waiting", id=f"progress-{side}-step", classes="progress-step")
        yield Static(HINT, id="progress-hint")

    def reset(self, title: str, *, snapshots: tuple[bool, bool] = (False, False)) -> None:
        """Start again: each side is connecting (a server) or reading its file (a snapshot)."""
        self.query_one("#progress-title", Static).update(title)
        for side, snapshot in zip(("source", "target"), snapshots, strict=True):
            self.query_one(f"#progress-{side}", ProgressBar).update(total=None, progress=0)
            step = "reading the snapshot" if snapshot else "connecting"
            self.query_one(f"#progress-{side}-step", Static).update(step)
        for row in self.query(".progress-row"):
            row.display = True
        self.query_one("#progress-hint", Static).update(HINT)
        self.remove_class("-failed")

    def step(self, side: str, step: str, done: int, total: int) -> None:
        if side not in ("source", "target"):
            return
        self.query_one(f"#progress-{side}", ProgressBar).update(total=max(total, 1), progress=done)
        label = "done" if total and done >= total else step
        self.query_one(f"#progress-{side}-step", Static).update(label)

    def stopped(self, title: str) -> None:
        self.query_one("#progress-title", Static).update(title)

    def failed(self, title: str, error: str, hint: str) -> None:
        """The read ended: the bars stop and give their place to what went wrong and what to do."""
        from rich.markup import escape

        self.query_one("#progress-title", Static).update(title)
        for side in ("source", "target"):
            self.query_one(f"#progress-{side}", ProgressBar).update(total=1, progress=0)
        for row in self.query(".progress-row"):
            row.display = False
        self.query_one("#progress-hint", Static).update(f"[$error]✗ {escape(error)}[/]\n\n{hint}")
        self.add_class("-failed")

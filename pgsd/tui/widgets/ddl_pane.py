"""DdlPane: the plan's SQL (for one object or the whole selection) with its hazard summary."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical

from pgsd.ddl.plan import HazardType, Plan
from pgsd.tui.widgets.sql_view import SqlView
from pgsd.tui.widgets.title_bar import TitleBar

DANGER = {HazardType.DATA_LOSS, HazardType.TABLE_REWRITE}


def hazard_text(plan: Plan) -> str:
    """``3 statements · 2 data-loss, 1 table-rewrite`` as markup, dangerous counts in colour."""
    n = len(plan.statements)
    parts = [f"{n} statement{'s' if n != 1 else ''}"]
    counts = plan.hazard_counts()
    if counts:
        items = []
        for kind, count in sorted(counts.items(), key=lambda kv: kv[0].value):
            colour = "$error" if kind in DANGER else "$warning"
            items.append(f"[b {colour}]{count} {kind.label}[/]")
        parts.append(", ".join(items))
    else:
        parts.append("no hazards")
    if plan.withheld:
        parts.append(f"[$warning]{len(plan.withheld)} withheld (safe)[/]")
    return " · ".join(parts)


class DdlPane(Vertical):
    """The DDL a plan runs, syntax-highlighted, hazards marked inline and summed up."""

    hint = ""
    """A key hint shown dimmed after the title (``p: whole selection``)."""

    def _set_title(self, title: str) -> None:
        from rich.markup import escape

        text = escape(title) + (f"  [dim]{escape(self.hint)}[/]" if self.hint else "")
        self.query_one("#ddl-title", TitleBar).update(text)

    def compose(self) -> ComposeResult:
        yield TitleBar("Plan", id="ddl-title", classes="pane-title")
        yield TitleBar("", id="plan-options")
        yield SqlView(id="ddl-sql")
        yield TitleBar("", id="hazard-bar")

    def show_plan(self, title: str, plan: Plan) -> None:
        self._set_title(title)
        sql = plan.to_sql() if plan.statements else "-- nothing to do\n"
        self.query_one("#ddl-sql", SqlView).show(sql)
        bar = self.query_one("#hazard-bar", TitleBar)
        bar.update(hazard_text(plan))
        bar.set_class(bool(plan.hazard_counts()), "-hazardous")

    def show_message(self, title: str, message: str) -> None:
        self._set_title(title)
        self.query_one("#ddl-sql", SqlView).show(message)
        bar = self.query_one("#hazard-bar", TitleBar)
        bar.update("")
        bar.remove_class("-hazardous")

    def set_title(self, title: str) -> None:
        self._set_title(title)

    def show_options(self, markup: str) -> None:
        """The line under the title that says how the plan is made (``in a transaction · safe``);
        a click on it opens the options (the screen's ``options`` action)."""
        self.query_one("#plan-options", TitleBar).update(markup)

    async def on_click(self, event: events.Click) -> None:
        if event.widget is not None and event.widget.id == "plan-options":
            event.stop()
            await self.run_action("screen.options")

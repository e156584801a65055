"""pgsd apply's confirmation: typing the database's name on a terminal, refused without one."""

from __future__ import annotations

import io

import pytest

from pgsd.cli import cmd_apply
from pgsd.ddl.plan import Hazard, HazardType, Plan, Statement
from pgsd.errors import DataLossRefused

LOSSY = Plan(statements=(
    Statement(sql="CREATE TABLE a (id int)", key="table:a", action="create"),
    Statement(sql="DROP TABLE b", key="table:b", action="drop",
              hazards=(Hazard(type=HazardType.DATA_LOSS, message="drops table b and its rows"),)),
))
SAFE = Plan(statements=LOSSY.statements[:1])


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", Tty())


def test_typed_name_confirms(terminal, capsys) -> None:  # noqa: ANN001
    asked: list[str] = []
    cmd_apply._confirm(LOSSY, "shop", allow=False, production=False, name="t",
                       ask=lambda prompt: asked.append(prompt) or "shop")
    assert asked == ["Type the database name (shop) to apply: "]
    err = capsys.readouterr().err
    assert "1 statement(s) lose data: 2 (DROP TABLE b)" in err and "drops table b and its rows" in err


def test_another_name_refuses(terminal) -> None:  # noqa: ANN001
    with pytest.raises(DataLossRefused, match="not confirmed: nothing was applied"):
        cmd_apply._confirm(LOSSY, "shop", allow=False, production=False, name="t", ask=lambda prompt: "shop2")


def test_allow_data_loss_asks_nothing_unless_production(terminal) -> None:  # noqa: ANN001
    def never(prompt: str) -> str:
        raise AssertionError("asked")

    cmd_apply._confirm(LOSSY, "shop", allow=True, production=False, name="t", ask=never)
    cmd_apply._confirm(SAFE, "shop", allow=False, production=False, name="t", ask=never)
    with pytest.raises(DataLossRefused):
        cmd_apply._confirm(SAFE, "shop", allow=True, production=True, name="prod", ask=lambda prompt: "")


def test_no_terminal_refuses_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO())
    with pytest.raises(DataLossRefused, match="pass --allow-data-loss"):
        cmd_apply._confirm(LOSSY, "shop", allow=False, production=False, name="t", ask=lambda prompt: "shop")

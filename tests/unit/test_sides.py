"""parse_side: what an argument is, decided once; passwords stay secret inside the spec."""

from __future__ import annotations

from pathlib import Path

import pytest

from pgsd import errors
from pgsd.profiles.store import Profile, ProfileStore
from pgsd.workflow import CancelToken, ComparisonRequest, DatabaseSide, SnapshotSide, parse_side, read_sides


@pytest.fixture
def store(tmp_path: Path) -> ProfileStore:
    s = ProfileStore(tmp_path / "profiles.toml")
    s.add(Profile(name="prod", label="Production", colour="red", host="db1", dbname="shop", user="deploy",
                  password_source="prompt"))
    s.add(Profile(name="staging", host="db2", dbname="shop", password_source="prompt"))
    s.add(Profile(name="ci", host="ci", dbname="shop", password_source="env"))
    return s


def test_each_form_of_argument(store: ProfileStore) -> None:
    uri = parse_side("postgresql://app:s3cret@db:5433/shop", store=store)
    assert isinstance(uri, DatabaseSide) and uri.profile is None and uri.password_ready
    assert uri.spec.password is not None and uri.spec.password.get_secret_value() == "s3cret"
    assert "s3cret" not in repr(uri) and "s3cret" not in uri.name and "s3cret" not in uri.describe()
    assert uri.name == "app:***@db:5433/shop"
    conninfo = parse_side("host=db dbname=shop", store=store)
    assert isinstance(conninfo, DatabaseSide) and conninfo.spec.dbname == "shop"
    snap = parse_side("dir/prod.json", store=store)
    assert snap == SnapshotSide("dir/prod.json") and snap.name == "prod.json"
    prod = parse_side("prod", store=store)
    assert isinstance(prod, DatabaseSide)
    assert (prod.profile, prod.label, prod.colour, prod.name) == ("prod", "Production", "red", "prod")
    assert prod.asks_password and prod.spec.password is None
    ci = parse_side("ci", store=store)
    assert isinstance(ci, DatabaseSide) and ci.password_ready and not ci.asks_password
    with pytest.raises(errors.ProfileError):
        parse_side("nope", store=store)
    with pytest.raises(errors.InvalidConnectionString):
        parse_side("postgresq://typo", store=store)


def test_passwords_are_asked_in_order_before_anything_is_read(store: ProfileStore) -> None:
    asked: list[str] = []

    def ask(profile: Profile) -> str:
        asked.append(profile.name)
        return f"pw-{profile.name}"

    token = CancelToken()
    token.cancel()  # stop right after the passwords, before any connection
    sides = {"source": parse_side("staging", store=store), "target": parse_side("prod", store=store)}
    with pytest.raises(errors.Cancelled):
        read_sides(sides, ask_password=ask, cancel=token, store=store)
    assert asked == ["staging", "prod"]
    ready = sides["target"].with_password_from(ask)  # type: ignore[union-attr]
    assert ready.spec.password.get_secret_value() == "pw-prod" and not ready.asks_password


def test_plan_options_that_mirror_comparison_options_are_derived() -> None:
    request = ComparisonRequest(owners=True, extension_versions=False, safe=True)
    plan = request.plan_options()
    assert (plan.owners, plan.extension_versions, plan.safe) == (True, False, True)
    diff = request.diff_options()
    assert (diff.owners, diff.extension_versions) == (True, False)
    unsafe = request.with_plan_choices(safe=False, transaction=False)
    assert unsafe.plan_options().owners and not unsafe.plan_options().transaction
    with pytest.raises(TypeError):
        request.with_plan_choices(owners=False)  # what is compared is not the export dialog's to change

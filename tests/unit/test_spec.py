"""ConnectionSpec parsing and masking (no database)."""

from __future__ import annotations

import pytest

from pgsd.connect import ConnectionSpec
from pgsd.errors import InvalidConnectionString


def test_uri_round_trip_and_mask():
    spec = ConnectionSpec.parse("postgresql://app:s3cr%40t@db.example:6543/shop?sslmode=require&target_session_attrs=read-write")
    assert spec.host == "db.example" and spec.port == 6543 and spec.dbname == "shop" and spec.user == "app"
    assert spec.password.get_secret_value() == "s3cr@t"
    assert spec.sslmode == "require"
    assert spec.options == {"target_session_attrs": "read-write"}
    for text in (str(spec), repr(spec), spec.describe()):
        assert "s3cr" not in text
        assert "***" in text
    assert "password=" in spec.conninfo()


def test_conninfo_string():
    spec = ConnectionSpec.parse("host=localhost port=5433 dbname=x user=y password=zz connect_timeout=3")
    assert (spec.host, spec.port, spec.dbname, spec.user, spec.connect_timeout) == ("localhost", 5433, "x", "y", 3)
    assert "zz" not in repr(spec)


def test_from_env():
    spec = ConnectionSpec.from_env({"PGHOST": "h", "PGPORT": "5444", "PGDATABASE": "d", "PGUSER": "u", "PGPASSWORD": "p", "PGSERVICE": "svc"})
    assert (spec.host, spec.port, spec.dbname, spec.user) == ("h", 5444, "d", "u")
    assert spec.options["service"] == "svc"
    assert "p" not in spec.describe().split("@")[0].split(":")[-1].replace("***", "")


@pytest.mark.parametrize("bad", ["postgresql://h:notaport/x", "host=x sslmode=sometimes", "this is not = valid = ="])
def test_bad_strings(bad):
    with pytest.raises(InvalidConnectionString):
        ConnectionSpec.parse(bad)

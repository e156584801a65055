"""Passwords never reach the screen, whatever shape of connection string a user types.

libpq's parse errors quote the string (or the piece it choked on), password included.
Every malformed form below holds a password; each runs through the real `pgsd` command
(every command that takes a connection string) and must end in one line on stderr,
exit 2, with neither the password nor any recognisable piece of it in the output.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

# (connection string, the secret pieces that must not appear anywhere in the output)
MALFORMED = [
    ("postgresql://app:Wh1teRabbit@db.example:99x/shop", ["Wh1teRabbit"]),  # a port that is not a number
    ("postgresql://app:Wh1teRabbit@[127.0.0.1/shop", ["Wh1teRabbit"]),  # unterminated IPv6 bracket
    ("postgresql://app:Wh1teRabbit@[]/shop", ["Wh1teRabbit"]),  # empty IPv6 address
    ("postgresql://app:Wh1te%zzRabbit@db.example/shop", ["Wh1te", "Rabbit"]),  # bad percent escape
    ("postgresql://app:Wh1te Rabbit@db.example/shop", ["Wh1te", "Rabbit"]),  # unencoded space
    ("postgresql://app:Wh1te@Rabbit@db.example/shop", ["Wh1te", "Rabbit"]),  # unencoded '@'
    ("postgresql://app:Wh1te/Rabbit@db.example/shop", ["Wh1te", "Rabbit"]),  # unencoded '/'
    ("postgresql://app:Wh1teRabbit@db.example/shop?nonsense=1", ["Wh1teRabbit"]),  # unknown parameter
    ("postgresql://app:Wh1teRabbit@db.example/shop?sslmode=sometimes", ["Wh1teRabbit"]),
    ("postgresql://app:Wh1teRabbit@a:1,b:x/shop", ["Wh1teRabbit"]),  # a bad port in a host list
    ("postgresql://app@db.example/shop?password=Wh1teRabbit&port=x", ["Wh1teRabbit"]),
    ("postgresql://app@db.example/shop?password=Wh1teRabbit&connect_timeout=soon", ["Wh1teRabbit"]),
    ("postgresq://app:Wh1teRabbit@db.example/shop", ["Wh1teRabbit"]),  # a mistyped scheme
    ("host=db.example port=99x password=Wh1teRabbit", ["Wh1teRabbit"]),
    ("host=db.example password='Wh1teRabbit", ["Wh1teRabbit"]),  # unterminated quote
    ("host=db.example password='Wh1te\\'Rabbit", ["Wh1te", "Rabbit"]),  # escaped quote, unterminated
    ("host=db.example password=Wh1te Rabbit dbname=shop", ["Wh1te", "Rabbit"]),  # unquoted space
    ("host=db.example password=Wh1te Rabbit", ["Wh1te", "Rabbit"]),  # the piece libpq quotes is last
    ("password=Wh1teRabbit =x", ["Wh1teRabbit"]),  # an empty keyword
    ("password=Wh1teRabbit host=db.example nonsense=1", ["Wh1teRabbit"]),  # unknown keyword
    ("host=db.example sslpassword=Wh1teRabbit sslmode=sometimes", ["Wh1teRabbit"]),
]


@pytest.fixture
def pgsd(tmp_path: Path):
    env = dict(os.environ, PGSD_CONFIG_DIR=str(tmp_path / "config"),
               PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    env.pop("PGPASSWORD", None)

    def start(*args: str) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "pgsd", *args], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL, env=env, cwd=tmp_path)

    def run(*args: str) -> subprocess.CompletedProcess:
        proc = start(*args)
        out, err = proc.communicate(timeout=60)
        return subprocess.CompletedProcess(args, proc.returncode, out, err)

    run.start = start  # type: ignore[attr-defined]
    run.cwd = tmp_path  # type: ignore[attr-defined]
    return run


def _commands(text: str, everywhere: bool) -> list[tuple[str, ...]]:
    """Every command that takes a connection string (all of them for a few forms: they share the parsing)."""
    other = "other.json"  # never read: the bad side fails first
    commands = [
        ("info", text),
        ("diff", other, text),
        ("profiles", "add", "p2", text, "--password-source", "keyring"),
    ]
    if everywhere:
        commands += [
            ("diff", text, other),
            ("snapshot", text),
            ("snapshot", text, "-o", "out.json"),
            ("profiles", "edit", "p1", text),
        ]
    return commands


EVERYWHERE = {0, 1, 4, 14, 16}
"""The forms run through every command (indexes into MALFORMED)."""


@pytest.mark.parametrize("case", range(len(MALFORMED)), ids=[t for t, _ in MALFORMED])
def test_a_malformed_connection_string_is_one_masked_line(pgsd, case):
    text, secrets = MALFORMED[case]
    added = pgsd("profiles", "add", "p1", "host=db.example dbname=shop", "--password-source", "pgpass")
    assert added.returncode == 0, added.stderr  # so that `profiles edit p1` gets as far as the URI
    running = [(args, pgsd.start(*args)) for args in _commands(text, case in EVERYWHERE)]
    for args, proc in running:
        out, err = proc.communicate(timeout=60)
        result = subprocess.CompletedProcess(args, proc.returncode, out, err)
        shown = result.stdout + result.stderr
        for secret in secrets:
            assert secret not in shown, (args, shown)
        assert result.returncode == 2, (args, shown)
        assert result.stdout == "", args
        assert result.stderr.startswith("pgsd: error: ") and result.stderr.count("\n") == 1, (args, shown)
        assert "Traceback" not in shown
    assert not (pgsd.cwd / "out.json").exists()


def test_the_message_still_says_what_is_wrong(pgsd):
    """Masking keeps what helps: the masked string, and libpq's reason where it quotes no secret."""
    err = pgsd("info", "postgresql://app:Wh1teRabbit@db.example:99x/shop").stderr
    assert "postgresql://app:***@db.example:99x/shop" in err and 'invalid port "99x"' in err
    err = pgsd("info", "postgresql://app:Wh1teRabbit@[127.0.0.1/shop").stderr
    assert 'matching "]"' in err
    err = pgsd("info", "postgresql://app:Wh1teRabbit@db.example/shop?nonsense=1").stderr
    assert 'invalid URI query parameter: "nonsense"' in err
    err = pgsd("info", "postgresql://app:Wh1te@Rabbit@db.example/shop").stderr
    assert "percent-encoded" in err and "%40" in err


def test_help_warns_about_passwords_on_the_command_line(pgsd):
    for command in ("diff", "info", "snapshot", "tui"):
        text = " ".join(pgsd(command, "--help").stdout.split())
        assert "visible to other local users" in text, command
        assert "PGPASSWORD" in text and "~/.pgpass" in text and "profile" in text, command

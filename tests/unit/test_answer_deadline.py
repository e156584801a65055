"""The client-side deadline for a server that stops answering follows the statement timeout."""

from pgsd.connect import PoolSettings


def test_the_deadline_is_the_statement_timeout_plus_the_margin():
    assert PoolSettings(statement_timeout_ms=60_000).answer_deadline == 65.0
    assert PoolSettings(statement_timeout_ms=1_500, answer_margin=2.0).answer_deadline == 3.5


def test_no_statement_timeout_means_no_deadline():
    """--statement-timeout 0 asks to wait as long as it takes: nothing is given up on."""
    assert PoolSettings(statement_timeout_ms=0).answer_deadline is None

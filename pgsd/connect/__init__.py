"""Connection layer: specs, pools per side, server detection, and error translation."""

from pgsd.connect.pool import PoolSettings, PoolStats, ReadSession, SidePool
from pgsd.connect.server import detect_server
from pgsd.connect.spec import ConnectionSpec

__all__ = ["ConnectionSpec", "PoolSettings", "PoolStats", "ReadSession", "SidePool", "detect_server"]

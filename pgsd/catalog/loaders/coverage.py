"""Coverage: counts of user objects pgsd reads past without comparing them.

A schema diff that says "no differences" should also say what it did not look at:
access methods, security labels, large objects and members added to built-in
operator families. One query counts them all (extension members and system objects
excluded); kinds with a count of zero are left out so the report only mentions what
is there.

Security labels get a second look: they exist only where a label provider (a loaded
module such as sepgsql) put them, and no catalog lists the providers loaded. What can
be read is said as it is: how many labels, the providers they name, the libraries the
server preloads (``SecurityLabels``); labels found become a warning of the snapshot.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pgsd.catalog.context import LoadContext

KNOWN_LABEL_PROVIDERS = {"sepgsql": "selinux", "anon": "anon", "pgsodium": "pgsodium", "dummy_seclabel": "dummy"}
"""Libraries known to register a security label provider -> the provider's name."""


@dataclass(frozen=True)
class SecurityLabels:
    count: int
    """Labels on this database's user objects (pg_seclabel)."""
    providers: tuple[str, ...]
    """The providers those labels name."""
    preloaded: tuple[str, ...] | None
    """Libraries in the *_preload_libraries settings; None when the role may not see them."""

    @property
    def known_providers_loaded(self) -> tuple[str, ...]:
        """The preloaded libraries known to register a label provider."""
        return tuple(lib for lib in self.preloaded or () if _library_name(lib) in KNOWN_LABEL_PROVIDERS)

    @property
    def provider_loaded(self) -> bool | None:
        """Whether a known label provider is preloaded; None when that cannot be told (the
        settings are hidden, or an unknown library is preloaded that might be one)."""
        if self.preloaded is None:
            return None
        if self.known_providers_loaded:
            return True
        return False if not self.preloaded else None

    def describe(self) -> str:
        """One line: the labels (if any), the providers, and whether one is loaded."""
        if self.count:
            named = f" (provider {', '.join(self.providers)})" if self.providers else ""
            head = f"{self.count} security label{'s' if self.count != 1 else ''}{named}, not compared"
        else:
            head = "no security labels"
        return f"{head}; {self._provider_state()}"

    def _provider_state(self) -> str:
        if self.preloaded is None:
            return "whether a label provider is loaded cannot be read by this role (preload settings hidden)"
        if self.known_providers_loaded:
            return f"label provider library loaded: {', '.join(self.known_providers_loaded)}"
        if not self.preloaded:
            return "no label provider is loaded (no preloaded libraries), so SECURITY LABEL cannot be used here"
        return f"no known label provider among the preloaded libraries ({', '.join(self.preloaded)})"

    def as_json(self) -> dict[str, object]:
        return {"count": self.count, "providers": list(self.providers),
                "preloaded_libraries": None if self.preloaded is None else list(self.preloaded),
                "label_provider_loaded": self.provider_loaded}


def _library_name(entry: str) -> str:
    """``$libdir/sepgsql.so`` -> ``sepgsql``."""
    return re.sub(r"\.(so|dll|dylib)$", "", entry.strip().strip('"').rsplit("/", 1)[-1])


def _libraries(settings: list[str | None]) -> tuple[str, ...] | None:
    if any(s is None for s in settings):
        return None
    return tuple(lib.strip() for s in settings for lib in (s or "").split(",") if lib.strip())


def security_labels(ctx: LoadContext) -> SecurityLabels:
    [row] = ctx.fetch("security_labels")
    return SecurityLabels(
        count=int(row["labels"]),
        providers=tuple(row["providers"] or ()),
        preloaded=_libraries([row["shared_preload"], row["session_preload"], row["local_preload"]]),
    )


def load_coverage(ctx: LoadContext) -> dict[str, int]:
    counts = {row["kind"]: int(row["n"]) for row in ctx.fetch("coverage") if row["n"]}
    labels = security_labels(ctx)
    if labels.count:
        ctx.warnings.append(labels.describe())
    return counts

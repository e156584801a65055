"""Renderers by object kind. Each module exposes ``RENDERERS: dict[kind, Renderer]``."""

from __future__ import annotations

import importlib

from pgsd.ddl.render.base import Renderer

_MODULES = (
    "pgsd.ddl.render.namespaces",
    "pgsd.ddl.render.types",
    "pgsd.ddl.render.relations",
    "pgsd.ddl.render.columns",
    "pgsd.ddl.render.views",
    "pgsd.ddl.render.routines",
    "pgsd.ddl.render.table_objects",
    "pgsd.ddl.render.foreign",
    "pgsd.ddl.render.subscriptions",
    "pgsd.ddl.render.privileges",
    "pgsd.ddl.render.text_search",
    "pgsd.ddl.render.extending",
    "pgsd.ddl.render.operators",
    "pgsd.ddl.render.base_types",
    "pgsd.ddl.render.roles",
)


def renderers() -> dict[str, Renderer]:
    out: dict[str, Renderer] = {}
    for name in _MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as e:
            if e.name == name:
                continue
            raise
        out.update(module.RENDERERS)
    return out

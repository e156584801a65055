"""Text search parsers, templates, dictionaries and configurations (with their mappings).

One query per kind. Each object registers its OID, so the dependency loader turns the
catalog's own pg_depend rows into edges: a configuration on its parser and on every
dictionary its mappings use, a dictionary on its template, a parser or template on its
functions, and an index or column default on the configuration it names.
"""

from __future__ import annotations

from pgsd.catalog.context import LoadContext
from pgsd.model.names import qualified
from pgsd.model.objects import (
    DbObject,
    TextSearchConfiguration,
    TextSearchDictionary,
    TextSearchMapping,
    TextSearchParser,
    TextSearchTemplate,
)


def split_options(text: str | None) -> tuple[str, ...]:
    """``a = 'x', b = 'y, z'`` -> ``("a = 'x'", "b = 'y, z'")`` sorted by name.

    The server writes each value as a string constant with ``'`` (and, in E'' form,
    ``\\``) doubled, so a quote count says whether a comma is inside a value.
    """
    if not text:
        return ()
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for ch in text:
        if ch == "'":
            quoted = not quoted
        if ch == "," and not quoted:
            parts.append("".join(current).strip())
            current = []
            continue
        current.append(ch)
    if current:
        parts.append("".join(current).strip())
    return tuple(sorted((p for p in parts if p), key=lambda p: p.partition("=")[0].strip()))


def load_text_search_parsers(ctx: LoadContext) -> list[DbObject]:
    out: list[DbObject] = []
    for row in ctx.fetch("text_search_parsers"):
        if not ctx.wanted(row["schema_name"], row["name"]):
            continue
        obj = TextSearchParser(
            schema_name=row["schema_name"], name=row["name"], comment=row["comment"],
            start=row["start"], gettoken=row["gettoken"], end=row["end"], lextypes=row["lextypes"],
            headline=row["headline"],
        )
        out.append(obj)
        ctx.register("pg_ts_parser", row["oid"], obj.key)
    return out


def load_text_search_templates(ctx: LoadContext) -> list[DbObject]:
    out: list[DbObject] = []
    for row in ctx.fetch("text_search_templates"):
        if not ctx.wanted(row["schema_name"], row["name"]):
            continue
        obj = TextSearchTemplate(
            schema_name=row["schema_name"], name=row["name"], comment=row["comment"],
            init=row["init"], lexize=row["lexize"],
        )
        out.append(obj)
        ctx.register("pg_ts_template", row["oid"], obj.key)
    return out


def load_text_search_dictionaries(ctx: LoadContext) -> list[DbObject]:
    out: list[DbObject] = []
    for row in ctx.fetch("text_search_dictionaries"):
        if not ctx.wanted(row["schema_name"], row["name"]):
            continue
        obj = TextSearchDictionary(
            schema_name=row["schema_name"], name=row["name"], owner=row["owner"], comment=row["comment"],
            template=qualified(row["template_schema"], row["template_name"]),
            options=split_options(row["options"]),
        )
        out.append(obj)
        ctx.register("pg_ts_dict", row["oid"], obj.key)
    return out


def load_text_search_configurations(ctx: LoadContext) -> list[DbObject]:
    out: list[DbObject] = []
    for row in ctx.fetch("text_search_configurations"):
        if not ctx.wanted(row["schema_name"], row["name"]):
            continue
        mappings = tuple(
            TextSearchMapping(token=alias, dictionaries=tuple(qualified(s, n) for s, n in dicts))
            for alias, dicts in row["mappings"] or ()
        )
        obj = TextSearchConfiguration(
            schema_name=row["schema_name"], name=row["name"], owner=row["owner"], comment=row["comment"],
            parser=qualified(row["parser_schema"], row["parser_name"]),
            mappings=mappings,
        )
        out.append(obj)
        ctx.register("pg_ts_config", row["oid"], obj.key)
    return out

"""Functions (all of prokind f, p, a, w) and event triggers.

A function's identity is its qualified name plus the types of its identity arguments
(``oidvectortypes(proargtypes)``: IN, INOUT and VARIADIC, never OUT), which is what
``Function.key`` is built from. Triggers and event triggers refer to their function by
that same key, built with ``function_key`` from the same three parts, so a reference
resolves even when the function itself was filtered out.
"""

from __future__ import annotations

import sys
from typing import Any

from pgsd.catalog.context import LoadContext
from pgsd.catalog.loaders.privileges import normalise_acl
from pgsd.catalog.shared_builds import shared_kind
from pgsd.model.names import qualified, quote_ident, quote_literal
from pgsd.model.objects import DbObject, EventTrigger, Function

_MODIFY = {"r": "READ_ONLY", "s": "SHAREABLE", "w": "READ_WRITE"}
_PARALLEL = {"s": "SAFE", "r": "RESTRICTED"}


def function_key(schema: str, name: str, argument_types: str) -> str:
    """The key ``Function`` would have; built through the model so the two never drift."""
    return Function(schema_name=schema, name=name, argument_types=argument_types, definition="").key


def aggregate_definition(row: dict[str, Any]) -> str:
    """A CREATE AGGREGATE statement from pg_aggregate, as pg_dump writes it.

    pg_get_functiondef refuses aggregates, so the text is assembled here. Options
    that equal the defaults are left out, so two equal aggregates always print the same.
    """
    kind = row["agg_kind"]
    # Ordered-set and hypothetical aggregates default to READ_WRITE final functions.
    default_modify = "r" if kind == "n" else "w"
    opts = [f"SFUNC = {row['agg_sfunc']}", f"STYPE = {row['agg_stype']}"]
    if row["agg_sspace"]:
        opts.append(f"SSPACE = {row['agg_sspace']}")
    if row["agg_finalfunc"]:
        opts.append(f"FINALFUNC = {row['agg_finalfunc']}")
        if row["agg_finalextra"]:
            opts.append("FINALFUNC_EXTRA")
        if row["agg_finalmodify"] != default_modify:
            opts.append(f"FINALFUNC_MODIFY = {_MODIFY[row['agg_finalmodify']]}")
    for label, col in (("COMBINEFUNC", "agg_combinefunc"), ("SERIALFUNC", "agg_serialfunc"),
                       ("DESERIALFUNC", "agg_deserialfunc")):
        if row[col]:
            opts.append(f"{label} = {row[col]}")
    if row["agg_initcond"] is not None:
        opts.append(f"INITCOND = {quote_literal(row['agg_initcond'])}")
    if row["agg_msfunc"]:
        opts.append(f"MSFUNC = {row['agg_msfunc']}")
        opts.append(f"MINVFUNC = {row['agg_minvfunc']}")
        opts.append(f"MSTYPE = {row['agg_mstype']}")
        if row["agg_msspace"]:
            opts.append(f"MSSPACE = {row['agg_msspace']}")
        if row["agg_mfinalfunc"]:
            opts.append(f"MFINALFUNC = {row['agg_mfinalfunc']}")
            if row["agg_mfinalextra"]:
                opts.append("MFINALFUNC_EXTRA")
            if row["agg_mfinalmodify"] != default_modify:
                opts.append(f"MFINALFUNC_MODIFY = {_MODIFY[row['agg_mfinalmodify']]}")
        if row["agg_minitcond"] is not None:
            opts.append(f"MINITCOND = {quote_literal(row['agg_minitcond'])}")
    if row["agg_sortop"]:
        op = row["agg_sortop"]
        schema = row["agg_sortop_schema"]
        opts.append(f"SORTOP = {op}" if schema == "pg_catalog" else f"SORTOP = OPERATOR({quote_ident(schema)}.{op})")
    if kind == "h":
        opts.append("HYPOTHETICAL")
    if row["parallel"] in _PARALLEL:
        opts.append(f"PARALLEL = {_PARALLEL[row['parallel']]}")
    signature = f"{qualified(row['schema_name'], row['name'])}({row['arguments'] or '*'})"
    body = ",\n    ".join(opts)
    return f"CREATE AGGREGATE {signature} (\n    {body}\n)"


def load_functions(ctx: LoadContext) -> list[DbObject]:
    """Every routine, one query; aggregates get a built definition instead of pg_get_functiondef."""
    out: list[DbObject] = []
    shared = shared_kind(ctx, "function", not_signature=_OID)
    for row in ctx.fetch("functions"):
        if not ctx.wanted(row["schema_name"], row["name"]):
            continue
        fn = shared.build(None, row, _build_function)
        out.append(fn)
        ctx.register("pg_proc", row["oid"], fn.key)
    shared.done()
    return out


_OID = frozenset({"oid"})


def _build_function(row: dict[str, Any]) -> Function:
    """The routine a ``functions`` row describes (from the row alone: see shared_builds)."""
    kind = row["routine_kind"]
    definition = aggregate_definition(row) if kind == "a" else row["definition"]
    language = row["language"]
    fn = Function.from_catalog(  # no validation: the catalog's types are the model's
        schema_name=sys.intern(row["schema_name"]),
        name=row["name"],
        owner=sys.intern(row["owner"]),
        comment=row["comment"],
        acl=normalise_acl(row["acl"], row["owner"]),
        routine_kind=kind,
        identity_arguments=row["identity_arguments"] or "",
        argument_types=row["argument_types"] or "",
        arguments=row["arguments"] or "",
        result=row["result"],
        language=language,
        definition=definition,
        volatility=row["volatility"],
        strict=row["strict"],
        security_definer=row["security_definer"],
        leakproof=row["leakproof"],
        parallel=row["parallel"],
        cost=row["cost"],
        rows=row["rows"] or None,
        config=tuple(row["config"] or ()),
        # A string body (plpgsql, pre-14 SQL) hides what it uses from pg_depend;
        # internal/C functions and aggregates have no body that references objects.
        body_references_untracked=(not row["has_sql_body"] and kind != "a"
                                   and language not in ("internal", "c")),
    )
    return fn


def load_event_triggers(ctx: LoadContext) -> list[DbObject]:
    """Event triggers are database-wide: no schema filter, no name globs."""
    out: list[DbObject] = []
    for row in ctx.fetch("event_triggers"):
        trigger = EventTrigger(
            name=row["name"],
            owner=row["owner"],
            comment=row["comment"],
            event=row["event"],
            tags=tuple(sorted(row["tags"] or ())),
            function=function_key(row["function_schema"], row["function_name"], row["function_args"]),
            enabled=row["enabled"],
        )
        out.append(trigger)
        ctx.register("pg_event_trigger", row["oid"], trigger.key)
    return out

"""Dependency edges between keys, from one pg_depend query.

Runs after every object loader, so ``ctx.oids`` maps whatever was loaded (keys made by
``oid_key``, see pgsd.catalog.oid_keys: this loop sees one row per pg_depend entry), and
``ctx.column_keys`` every loaded table's columns by attnum. Each
pg_depend row names two catalog objects; both ends are translated to keys and the
row becomes ``Dependency(dependent, referenced)``. The translation follows the model
README ("Dependencies"):

* a sub-object (a column, ``objsubid > 0``) maps to its own key when registered, else to
  its relation's key (a view column reads as the view, a composite attribute as the type);
* a rule (pg_rewrite) maps to its registered Rule key, else to the relation it is on (a
  view's ``_RETURN`` rule *is* the view's definition);
* a column default (pg_attrdef) maps to its column;
* a referenced extension member (a type or function an extension provides) maps to the
  extension, so objects using it are created after CREATE EXTENSION.

A dependent of a kind pgsd does not model (the query describes it) becomes the key
``unmodelled:<description>``, which names no object: the planner refuses to drop what
it uses. Other edges with an unmapped end, self-edges and edges from an object to the table it lives in
(the planner knows parents) are dropped. The query already leaves out a serial
sequence's OWNED BY link back to its column: that is ``Sequence.owned_by``, and the
column's default depends on the sequence, so keeping both would make a cycle.
"""

from __future__ import annotations

from bisect import bisect_left
from itertools import chain, groupby
from operator import attrgetter

from pgsd.catalog.context import LoadContext
from pgsd.catalog.oid_keys import catalog_base, finder
from pgsd.catalog.shared_builds import done_with, shared_registry
from pgsd.model.kinds import UNMODELLED_PREFIX
from pgsd.model.snapshot import Dependency

DEPENDENCIES_COLUMNS = (
    "cat", "objid", "objsubid", "refcat", "refobjid", "refobjsubid", "rule_rel", "is_return_rule",
    "ad_rel", "ad_num", "parent_rel", "ref_extension", "unmodelled",
)



class _Bases(dict):
    """catalog name -> ``catalog_base(name)``, computed once per name: a lookup per row
    costs a third of a function call, and this loop sees every pg_depend row twice."""

    def __missing__(self, catalog: str) -> int:
        value = self[catalog] = catalog_base(catalog)
        return value


def load_dependencies(ctx: LoadContext) -> list[Dependency]:
    find = finder(ctx.oids)
    base = _Bases()  # (catalog -> its part of an oid_key)
    pg_class, pg_rewrite, pg_extension = base["pg_class"], base["pg_rewrite"], base["pg_extension"]
    columns = ctx.column_keys  # table OID -> column keys by attnum
    # One Dependency per distinct edge, shared with the other side when it has the same
    # edge (both ends are shared keys, see shared_builds); this side's list holds references only.
    known = shared_registry(ctx, "dependency")
    lookup = known.get
    new_tuple = tuple.__new__  # Dependency(pair) without _make's classmethod call: half the cost
    found: list[Dependency] = []
    for (cat, objid, sub, refcat, refobjid, refsub, rule_rel, is_return_rule, ad_rel, ad_num,
         parent, ref_extension, unmodelled) in ctx.rows("dependencies", DEPENDENCIES_COLUMNS):
        # ---- the dependent
        if cat == "pg_rewrite":
            dep = None if is_return_rule else find(pg_rewrite, objid)
            if dep is None and rule_rel is not None:
                dep = find(pg_class, rule_rel)
        elif cat == "pg_attrdef":
            if ad_rel is None:
                continue
            keys = columns.get(ad_rel)
            dep = keys[ad_num] if keys is not None and ad_num < len(keys) else None
            if dep is None:
                dep = find(pg_class, ad_rel)
        elif sub and cat == "pg_class":
            keys = columns.get(objid)
            dep = keys[sub] if keys is not None and sub < len(keys) else None
            if dep is None:
                dep = find(pg_class, objid)
        else:
            cat_base = base[cat]
            dep = find(cat_base, objid, sub) if sub else None
            if dep is None:
                dep = find(cat_base, objid) or (unmodelled and UNMODELLED_PREFIX + unmodelled)
        if dep is None:
            continue

        # ---- the referenced object
        if refsub and refcat == "pg_class":
            keys = columns.get(refobjid)
            ref = keys[refsub] if keys is not None and refsub < len(keys) else None
            if ref is None:
                ref = find(pg_class, refobjid)
        else:
            ref_base = base[refcat]
            ref = find(ref_base, refobjid, refsub) if refsub else None
            if ref is None:
                ref = find(ref_base, refobjid)
        if ref is None and ref_extension is not None:
            ref = find(pg_extension, ref_extension)
        if ref is None or ref == dep:
            continue

        # ---- implied or circular edges
        if parent is not None and ref == find(pg_class, parent):
            continue
        pair = (dep, ref)
        edge = lookup(pair)
        if edge is None:
            edge = new_tuple(Dependency, pair)
            edge = known.setdefault(edge, edge)  # keyed by itself: it equals (and hashes as) its pair
        found.append(edge)
    found = _rewritten(ctx, found)
    found.sort()
    out: list[Dependency] = []
    last = None
    for edge in found:  # pg_depend repeats edges (one row per column an index uses)
        if edge != last:
            out.append(edge)
            last = edge
    done_with(ctx, "dependency")
    return out


_USES_COLUMNS = frozenset({"view", "materialized_view", "rule", "policy", "trigger"})
_TYPE_KINDS = ("composite", "domain", "enum", "range")
_KEY = attrgetter("key")
_TYPE = attrgetter("type")


def _of_kind(objects: list, kind: str) -> list:
    """The objects of ``kind`` in ``objects`` sorted by key: one run, since every key starts with ``kind:``."""
    start = bisect_left(objects, kind + ":", key=_KEY)
    return objects[start:bisect_left(objects, kind + ";", lo=start, key=_KEY)]  # ";" sorts right after ":"


def through_column_types(objects: list, dependencies: list[Dependency]) -> list[Dependency]:
    """Add ``view -> type`` wherever a view (rule, policy, trigger) reads a column of a user type.

    pg_depend records only the column; but what uses a column also holds its type in
    place: a type rebuilt under its name converts the column, which PostgreSQL refuses
    while a view reads it, so the view must be dropped and recreated around the type's
    change like one that depends on the type itself.

    ``objects`` must be sorted by key (``Inspection.run`` sorts them first): the types
    and the columns are then found by bisection instead of a pass over every object, and
    the few new edges are merged into the sorted ``dependencies`` instead of sorting a set
    of them all. Measured at 2,000 tables, one side (49,000 objects, 25,700 edges; thread
    CPU, best of 7): 54 ms before, 26 ms after, the same list.
    """
    type_keys = {o.key.partition(":")[2]: o.key for kind in _TYPE_KINDS for o in _of_kind(objects, kind)}
    if not type_keys:
        return dependencies
    columns = _of_kind(objects, "column")
    user_types = {}  # column type (a few hundred distinct among 35,000 columns) -> the type's key
    for name in set(map(_TYPE, columns)):
        key = type_keys.get(name.removesuffix("[]").removesuffix("[]"))
        if key is not None:
            user_types[name] = key
    column_type = {o.key: user_types[o.type] for o in columns if o.type in user_types}
    extra = [
        Dependency(dep, column_type[ref]) for dep, ref in dependencies
        if ref in column_type and dep.partition(":")[0] in _USES_COLUMNS and dep != column_type[ref]
    ]
    if not extra:
        return dependencies
    # sorted() finds the already sorted run and merges the few extra edges into it; groupby
    # drops the equal neighbours. (dict.fromkeys did that with a table of every edge: 10 MB
    # more at 20,000 tables, at the moment the run's memory peaked.)
    return [edge for edge, _ in groupby(sorted(chain(dependencies, extra)))]


def _rewritten(ctx: LoadContext, edges: list[Dependency]) -> list[Dependency]:
    """Edges a loader asked to redirect (``ctx.shared["edge_rewrites"]``, edge -> edge):
    a base type's support functions depend on its shell, not on it (see base_types)."""
    rewrites = ctx.shared.get("edge_rewrites")
    if not rewrites:
        return edges
    return [rewrites.get(edge, edge) for edge in edges]

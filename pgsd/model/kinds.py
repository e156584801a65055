"""The registry of object kinds: everything pgsd knows about a kind *as a kind*, in one place.

One ``Kind`` per model class: its label, where it sorts when the planner has a free
choice, where the tree lists it, and the properties other layers ask about ("does
PostgreSQL refuse to keep it while something it uses changes shape?", "does it take a
name in the relation namespace?"). Every other table of kinds (the planner's ranks, the
tree's order, the diff's table children, the loaders' parent kinds) is derived from
``KINDS``; code asks ``kind_of(obj.kind).viewish`` rather than comparing kind strings.

Adding a kind: write its model class (objects.py, and add it to ``AnyObject``), a loader
(catalog/loaders), a renderer (ddl/render), and one entry below.
tests/unit/test_kinds.py fails until all four exist.
"""

from dataclasses import dataclass

from pgsd.model import objects as o


@dataclass(frozen=True, slots=True)
class Kind:
    name: str
    """The ``kind`` field of its objects, and the prefix of their keys."""
    model: type[o.DbObject]
    label: str
    """The singular human word (the app and summaries use it)."""
    create_rank: int
    """Order among statements the planner could run in either order (dependencies decide first)."""
    viewish: bool = False
    """PostgreSQL refuses to keep it while an object it uses changes shape (a column's type, say,
    or a type rebuilt under a temporary name): the planner drops it before such a change and
    recreates it after. Views and the like; functions too (a signature follows a renamed type,
    and ``BEGIN ATOMIC`` / ``RETURN`` bodies record the columns they read)."""
    relation: bool = False
    """It takes a name in its schema's relation namespace (pg_class)."""
    type_name: bool = False
    """It takes a name in its schema's type namespace (pg_type): a type, or a relation's row type."""
    holds_children: bool = False
    """Triggers, rules and policies can hang off it."""
    holds_columns: bool = False
    """Its columns are child objects, written inside its CREATE."""
    inside_parent_create: bool = False
    """A new parent's CREATE brings it (a new table's columns): it has no CREATE of its own then."""

    @property
    def table_child(self) -> bool:
        """It lives inside a table (or view): its key and identity include the table's name."""
        return issubclass(self.model, o.TableChild)


# In the order a reader expects them: containers first, then what lives inside.
KINDS: tuple[Kind, ...] = (
    Kind("schema", o.Schema, "schema", 1),
    Kind("extension", o.Extension, "extension", 2),
    Kind("collation", o.Collation, "collation", 3),
    Kind("enum", o.EnumType, "enum type", 6, type_name=True),
    Kind("domain", o.Domain, "domain", 7, type_name=True),
    Kind("composite", o.CompositeType, "composite type", 8, relation=True, type_name=True),
    Kind("range", o.RangeType, "range type", 9, type_name=True),
    Kind("sequence", o.Sequence, "sequence", 22, relation=True),
    Kind("table", o.Table, "table", 23, relation=True, type_name=True, holds_children=True, holds_columns=True),
    Kind("foreign_table", o.ForeignTable, "foreign table", 24, relation=True, type_name=True, holds_children=True,
         holds_columns=True),
    Kind("column", o.Column, "column", 25, inside_parent_create=True),
    Kind("constraint", o.Constraint, "constraint", 26),
    Kind("index", o.Index, "index", 27, relation=True),
    Kind("view", o.View, "view", 29, viewish=True, relation=True, type_name=True, holds_children=True),
    Kind("materialized_view", o.MaterializedView, "materialized view", 30, viewish=True, relation=True,
         type_name=True, holds_children=True),
    Kind("function", o.Function, "function", 28, viewish=True),
    Kind("trigger", o.Trigger, "trigger", 31, viewish=True),
    Kind("rule", o.Rule, "rule", 32, viewish=True),
    Kind("policy", o.Policy, "policy", 33, viewish=True),
    Kind("statistics", o.Statistics, "statistics object", 34),
    Kind("event_trigger", o.EventTrigger, "event trigger", 35),
    Kind("foreign_data_wrapper", o.ForeignDataWrapper, "foreign data wrapper", 19),
    Kind("server", o.ForeignServer, "foreign server", 20),
    Kind("user_mapping", o.UserMapping, "user mapping", 21),
    Kind("publication", o.Publication, "publication", 36),
    Kind("subscription", o.Subscription, "subscription", 40),
    Kind("default_privilege", o.DefaultPrivilege, "default privileges", 37),
    Kind("text_search_parser", o.TextSearchParser, "text search parser", 10),
    Kind("text_search_template", o.TextSearchTemplate, "text search template", 11),
    Kind("text_search_dictionary", o.TextSearchDictionary, "text search dictionary", 12),
    Kind("text_search_configuration", o.TextSearchConfiguration, "text search configuration", 13),
    Kind("cast", o.Cast, "cast", 38),
    Kind("language", o.Language, "procedural language", 14),
    Kind("conversion", o.Conversion, "conversion", 15),
    Kind("transform", o.Transform, "transform", 39),
    Kind("operator", o.Operator, "operator", 16),
    Kind("operator_family", o.OperatorFamily, "operator family", 17),
    Kind("operator_class", o.OperatorClass, "operator class", 18),
    Kind("shell_type", o.ShellType, "shell type", 4, type_name=True),
    Kind("base_type", o.BaseType, "base type", 5, type_name=True),
    Kind("role", o.Role, "role", 0),
)

BY_NAME: dict[str, Kind] = {k.name: k for k in KINDS}

UNMODELLED_PREFIX = "unmodelled:"
"""Dependency edges from an object pgsd does not model (an operator, a cast, a text search
configuration) name it by this prefix and its description: no object has such a key."""

UNKNOWN = Kind("", o.DbObject, "", 99)
"""What ``kind_of`` answers for a name no entry has: no property, ranked last."""


def kind_of(name: str) -> Kind:
    """The registry entry of a kind name (``UNKNOWN`` for a name pgsd does not model)."""
    return BY_NAME.get(name, UNKNOWN)


def kinds_where(flag: str) -> frozenset[str]:
    """Names of the kinds with a property set, e.g. ``kinds_where("viewish")``."""
    return frozenset(k.name for k in KINDS if getattr(k, flag))


KIND_LABELS: dict[str, str] = {k.name: k.label for k in KINDS}
"""Singular human words for each kind."""

DISPLAY_RANK: dict[str, int] = {k.name: i for i, k in enumerate(KINDS)}
"""Where the tree lists each kind (the registry's order)."""

CREATE_RANK: dict[str, int] = {k.name: k.create_rank for k in KINDS}

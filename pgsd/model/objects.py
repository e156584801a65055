"""Every object kind pgsd models, as frozen pydantic models with a stable identity key.

Keys are strings built from the *quoted* names (``table:public."Order"``,
``column:public.t.id``, ``function:public.f(integer, text)``), so they are unique,
readable, and sort deterministically. OIDs never appear in a model.

Compared fields are all fields except those the diff options switch off (``owner``,
``acl``, ``comment``, extension ``version``) and those listed in ``NOT_COMPARED``.
"""

# No ``from __future__ import annotations`` here: pydantic would compile every field's
# annotation string when the classes are created (about 300 of them), 8 ms of every
# start of pgsd. The annotations below are plain expressions that Python 3.11 evaluates.

from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from pgsd.model import fast
from pgsd.model.fast import cached_name
from pgsd.model.names import qualified, quote_ident


class DbObject(BaseModel):
    """Fields shared by every kind; subclasses fix ``kind``."""

    model_config = ConfigDict(frozen=True, extra="forbid", ignored_types=(cached_name,))

    kind: str
    schema_name: str | None = None
    name: str
    owner: str | None = None
    comment: str | None = None
    acl: tuple[str, ...] = ()
    """Normalised grants: sorted ``grantee=privileges`` (``*`` after a letter = grant option)."""

    NOT_COMPARED: ClassVar[frozenset[str]] = frozenset()
    UNKNOWN_WHEN_NONE: ClassVar[frozenset[str]] = frozenset()
    """Fields where None means "the role could not read it": not compared when either side is None."""
    # What kind of object GRANT/COMMENT/ALTER ... OWNER name it as.
    SQL_KIND: ClassVar[str] = ""

    @cached_name
    def qualified_name(self) -> str:
        return qualified(self.schema_name, self.name)

    @cached_name
    def key(self) -> str:
        return f"{self.kind}:{self.qualified_name}"

    def sql_kind(self) -> str:
        """The word GRANT, COMMENT ON and ALTER ... OWNER TO use for this object."""
        return self.SQL_KIND

    # Construction without validation, for introspection: how it is made fast and small
    # is pgsd.model.fast's business; these are its doors.
    @classmethod
    def catalog_template(cls) -> dict[str, Any]:
        """A dict of every field at its default, to copy, fill and pass to ``from_template``."""
        return fast.catalog_template(cls)

    @classmethod
    def from_template(cls, values: dict[str, Any]):
        """An instance on a filled copy of ``catalog_template()``, without validation."""
        return fast.from_template(cls, values)

    @classmethod
    def from_templates(cls, all_values: list[dict[str, Any]]) -> tuple:
        """``from_template`` for many objects at once."""
        return fast.from_templates(cls, all_values)

    @classmethod
    def from_catalog(cls, **values):
        """Build from keyword values read from the catalog, without validation."""
        return fast.from_catalog(cls, **values)

    def model_copy(self, *, update=None, deep: bool = False):
        """A copy whose cached names are recomputed (the update may rename it)."""
        copied = super().model_copy(update=update, deep=deep)
        fast.forget_cached_names(copied)
        return copied

    @cached_name
    def parent_key(self) -> str | None:
        """The object this one lives inside (a table for columns, constraints, ...)."""
        return None

    @cached_name
    def display_name(self) -> str:
        return self.qualified_name


def child_key(kind: str, table_name: str, name: str) -> str:
    """The key of a table child named ``name`` on the table whose qualified name is given.

    Loaders that build children by the hundred thousand call this with the table's
    shared qualified name instead of letting every object compute it again.
    """
    return f"{kind}:{table_name}.{quote_ident(name)}"


def child_key_prefix(kind: str, table_name: str) -> str:
    """What every ``child_key(kind, table_name, name)`` starts with: add ``quote_ident(name)``.

    For the columns loader, which keys a whole table's columns at once.
    """
    return f"{kind}:{table_name}."


class TableChild(DbObject):
    """An object that belongs to a table (or view): columns, constraints, indexes, triggers..."""

    table: str
    table_kind: str = "table"
    """The kind of the parent: table, view, materialized_view or foreign_table."""

    @cached_name
    def table_name(self) -> str:
        return qualified(self.schema_name, self.table)

    @cached_name
    def parent_key(self) -> str:
        return f"{self.table_kind}:{self.table_name}"

    @cached_name
    def key(self) -> str:
        return child_key(self.kind, self.table_name, self.name)

    @cached_name
    def display_name(self) -> str:
        return f"{self.table_name}.{quote_ident(self.name)}"


# --------------------------------------------------------------------------- database-wide


class Schema(DbObject):
    kind: Literal["schema"] = "schema"
    SQL_KIND: ClassVar[str] = "SCHEMA"

    @cached_name
    def qualified_name(self) -> str:
        return quote_ident(self.name)


class Extension(DbObject):
    kind: Literal["extension"] = "extension"
    version: str = ""
    SQL_KIND: ClassVar[str] = "EXTENSION"

    @cached_name
    def qualified_name(self) -> str:
        return quote_ident(self.name)


class Collation(DbObject):
    kind: Literal["collation"] = "collation"
    provider: str = "c"
    """c (libc), i (ICU), b (builtin), d (default)."""
    locale: str | None = None
    lc_collate: str | None = None
    lc_ctype: str | None = None
    deterministic: bool = True
    rules: str | None = None
    SQL_KIND: ClassVar[str] = "COLLATION"


# --------------------------------------------------------------------------- types


class EnumType(DbObject):
    kind: Literal["enum"] = "enum"
    labels: tuple[str, ...] = ()
    SQL_KIND: ClassVar[str] = "TYPE"


class DomainCheck(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    name: str
    definition: str
    """``CHECK (...)`` as pg_get_constraintdef prints it."""
    validated: bool = True
    comment: str | None = None


class Domain(DbObject):
    kind: Literal["domain"] = "domain"
    base_type: str
    default: str | None = None
    not_null: bool = False
    collation: str | None = None
    checks: tuple[DomainCheck, ...] = ()
    SQL_KIND: ClassVar[str] = "DOMAIN"


class CompositeAttribute(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    name: str
    type: str
    collation: str | None = None


class CompositeType(DbObject):
    kind: Literal["composite"] = "composite"
    attributes: tuple[CompositeAttribute, ...] = ()
    attribute_comments: tuple[tuple[str, str], ...] = ()
    """(attribute name, comment) for the attributes that have one, in attribute order."""
    SQL_KIND: ClassVar[str] = "TYPE"


class RangeType(DbObject):
    kind: Literal["range"] = "range"
    subtype: str
    subtype_opclass: str | None = None
    collation: str | None = None
    canonical: str | None = None
    subtype_diff: str | None = None
    multirange_name: str | None = None
    SQL_KIND: ClassVar[str] = "TYPE"


# --------------------------------------------------------------------------- relations


class Sequence(DbObject):
    kind: Literal["sequence"] = "sequence"
    data_type: str = "bigint"
    start: int = 1
    increment: int = 1
    min_value: int = 1
    max_value: int = 9223372036854775807
    cache: int = 1
    cycle: bool = False
    persistence: str = "p"
    owned_by: str | None = None
    """Key of the owning column (``column:s.t.c``), or None."""
    SQL_KIND: ClassVar[str] = "SEQUENCE"


class PartitionColumn(BaseModel):
    """A column of a partition whose NOT NULL or default is its own (differs from its parent's).

    Everything else about a partition's columns is its parent's; these two PostgreSQL lets
    a partition set for itself (and a parent's ALTER COLUMN overwrites them on the way down).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")
    name: str
    not_null: bool = False
    default: str | None = None


class Table(DbObject):
    kind: Literal["table"] = "table"
    persistence: str = "p"
    """p permanent, u unlogged."""
    is_partitioned: bool = False
    partition_key: str | None = None
    """``RANGE (created_at)`` as pg_get_partkeydef prints it."""
    partition_of: str | None = None
    """Qualified name of the partitioned parent when this table is a partition."""
    partition_bound: str | None = None
    """``FOR VALUES FROM (...) TO (...)`` / ``DEFAULT``."""
    partition_columns: tuple[PartitionColumn, ...] = ()
    """For a partition: its columns whose NOT NULL or default differ from the parent's, in column order."""
    partition_clones: tuple[tuple[str, str], ...] = ()
    """For a partition: (``constraint`` or ``index``, name) of the copies it holds of its parent's
    constraints and indexes, which DETACH PARTITION leaves to it as its own (not compared)."""
    inherits: tuple[str, ...] = ()
    """Qualified names of inheritance parents, in order."""
    options: tuple[str, ...] = ()
    """Storage parameters (``fillfactor=70``), sorted."""
    replica_identity: str = "d"
    """d default, n nothing, f full, i index (see replica_identity_index)."""
    replica_identity_index: str | None = None
    rls_enabled: bool = False
    rls_forced: bool = False
    tablespace: str | None = None
    access_method: str | None = None
    cluster_index: str | None = None
    of_type: str | None = None
    """``CREATE TABLE ... OF type``: the composite type (format_type output), or None."""
    NOT_COMPARED: ClassVar[frozenset[str]] = frozenset({"partition_clones"})
    SQL_KIND: ClassVar[str] = "TABLE"


class ForeignTable(DbObject):
    kind: Literal["foreign_table"] = "foreign_table"
    server: str
    options: tuple[str, ...] = ()
    inherits: tuple[str, ...] = ()
    partition_of: str | None = None
    partition_bound: str | None = None
    SQL_KIND: ClassVar[str] = "FOREIGN TABLE"


class Column(TableChild):
    kind: Literal["column"] = "column"
    position: int = 0
    type: str
    """format_type output, e.g. ``numeric(12,2)``, ``text[]``, ``shop.status``."""
    collation: str | None = None
    """Qualified collation when it differs from the type's default."""
    not_null: bool = False
    default: str | None = None
    identity: str | None = None
    """``a`` ALWAYS, ``d`` BY DEFAULT, or None."""
    identity_sequence: tuple[tuple[str, str], ...] = ()
    """Identity sequence options that differ from the defaults: (option, value)."""
    generated: str | None = None
    """``s`` stored, ``v`` virtual, or None; the expression is in ``default``."""
    storage: str | None = None
    """p, e, m, x when it differs from the type's default."""
    statistics: int | None = None
    compression: str | None = None
    is_local: bool = True
    """False when the column comes only from an inheritance parent."""
    fdw_options: tuple[str, ...] = ()
    """Foreign-table column OPTIONS (``column_name=remote_id``), sorted."""
    options: tuple[str, ...] = ()
    """Per-column options (``n_distinct=-0.5``, ``n_distinct_inherited=100``: attoptions), sorted."""
    NOT_COMPARED: ClassVar[frozenset[str]] = frozenset({"position"})
    SQL_KIND: ClassVar[str] = "COLUMN"


class Constraint(TableChild):
    kind: Literal["constraint"] = "constraint"
    type: str
    """p primary key, u unique, f foreign key, c check, x exclusion, n not null (18)."""
    definition: str
    """pg_get_constraintdef output, e.g. ``FOREIGN KEY (a) REFERENCES t(id) ON DELETE CASCADE``."""
    deferrable: bool = False
    deferred: bool = False
    validated: bool = True
    enforced: bool = True
    no_inherit: bool = False
    is_local: bool = True
    references: str | None = None
    """For foreign keys: qualified name of the referenced table."""
    index_name: str | None = None
    """The index that backs a p/u/x constraint (its name may differ from the constraint's)."""
    index_comment: str | None = None
    """The comment on the index backing a primary key, unique or exclusion constraint."""
    SQL_KIND: ClassVar[str] = "CONSTRAINT"


class AttachedIndex(BaseModel):
    """A partition's index attached to a partitioned index that is not valid (not every
    partition has one attached: an index made ``ON ONLY`` the parent, attached by hand)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    table: str
    """Qualified name of the partition."""
    name: str
    """The index's name (in the partition's schema)."""
    definition: str | None = None
    """pg_get_indexdef of the partition's index; None when it backs a constraint of the partition."""


class Index(TableChild):
    kind: Literal["index"] = "index"
    definition: str
    """pg_get_indexdef output."""
    is_unique: bool = False
    tablespace: str | None = None
    options: tuple[str, ...] = ()
    is_partitioned: bool = False
    """An index on a partitioned table (created ON the parent, cascading to partitions)."""
    valid: bool = True
    """False for a partitioned index some partitions have no index attached to (made ``ON ONLY``)."""
    attached: tuple[AttachedIndex, ...] = ()
    """For an index that is not valid: the partitions' indexes attached to it, by partition."""
    SQL_KIND: ClassVar[str] = "INDEX"

    @cached_name
    def key(self) -> str:
        # Index names are unique per schema, not per table.
        return f"index:{qualified(self.schema_name, self.name)}"

    @cached_name
    def qualified_name(self) -> str:
        return qualified(self.schema_name, self.name)


class View(DbObject):
    kind: Literal["view"] = "view"
    definition: str
    columns: tuple[str, ...] = ()
    column_types: tuple[str, ...] = ()
    options: tuple[str, ...] = ()
    """security_barrier, security_invoker, check_option (``check_option=cascaded``)."""
    column_comments: tuple[tuple[str, str], ...] = ()
    SQL_KIND: ClassVar[str] = "VIEW"


class MaterializedView(DbObject):
    kind: Literal["materialized_view"] = "materialized_view"
    definition: str
    columns: tuple[str, ...] = ()
    column_types: tuple[str, ...] = ()
    options: tuple[str, ...] = ()
    tablespace: str | None = None
    is_populated: bool = True
    column_comments: tuple[tuple[str, str], ...] = ()
    SQL_KIND: ClassVar[str] = "MATERIALIZED VIEW"


# --------------------------------------------------------------------------- routines


class Function(DbObject):
    """Functions, procedures, aggregates and window functions; identity includes argument types."""

    kind: Literal["function"] = "function"
    routine_kind: str = "f"
    """f function, p procedure, a aggregate, w window."""
    identity_arguments: str = ""
    """pg_get_function_identity_arguments, e.g. ``a integer, b text``."""
    argument_types: str = ""
    """Types only, the identity: ``integer, text``."""
    arguments: str = ""
    """pg_get_function_arguments (with names and defaults)."""
    result: str | None = None
    """pg_get_function_result (None for procedures)."""
    language: str = "sql"
    definition: str
    """The full CREATE OR REPLACE text (pg_get_functiondef), or a CREATE AGGREGATE for aggregates."""
    volatility: str = "v"
    strict: bool = False
    security_definer: bool = False
    leakproof: bool = False
    parallel: str = "u"
    cost: float | None = None
    rows: float | None = None
    config: tuple[str, ...] = ()
    body_references_untracked: bool = False
    """True when the body is a string (plpgsql, old-style SQL): the catalog does not record what it uses."""
    NOT_COMPARED: ClassVar[frozenset[str]] = frozenset({"body_references_untracked", "identity_arguments"})

    def sql_kind(self) -> str:
        return {"p": "PROCEDURE", "a": "AGGREGATE"}.get(self.routine_kind, "FUNCTION")

    @cached_name
    def signature(self) -> str:
        return f"{self.qualified_name}({self.argument_types})"

    @cached_name
    def key(self) -> str:
        return f"function:{self.signature}"

    @cached_name
    def display_name(self) -> str:
        return self.signature


# --------------------------------------------------------------------------- table-level objects


class Trigger(TableChild):
    kind: Literal["trigger"] = "trigger"
    definition: str
    """pg_get_triggerdef output."""
    enabled: str = "O"
    """O origin (enabled), D disabled, R replica, A always."""
    is_constraint: bool = False
    function: str | None = None
    """Key of the trigger function."""
    SQL_KIND: ClassVar[str] = "TRIGGER"


class Rule(TableChild):
    kind: Literal["rule"] = "rule"
    definition: str
    enabled: str = "O"
    SQL_KIND: ClassVar[str] = "RULE"


class Policy(TableChild):
    kind: Literal["policy"] = "policy"
    command: str = "*"
    """r SELECT, a INSERT, w UPDATE, d DELETE, * ALL."""
    permissive: bool = True
    roles: tuple[str, ...] = ("PUBLIC",)
    using: str | None = None
    with_check: str | None = None
    SQL_KIND: ClassVar[str] = "POLICY"


class Statistics(DbObject):
    kind: Literal["statistics"] = "statistics"
    definition: str
    table: str
    target: int | None = None
    SQL_KIND: ClassVar[str] = "STATISTICS"


# --------------------------------------------------------------------------- cluster-ish objects


class EventTrigger(DbObject):
    kind: Literal["event_trigger"] = "event_trigger"
    event: str
    tags: tuple[str, ...] = ()
    function: str
    enabled: str = "O"
    SQL_KIND: ClassVar[str] = "EVENT TRIGGER"

    @cached_name
    def qualified_name(self) -> str:
        return quote_ident(self.name)


class ForeignDataWrapper(DbObject):
    kind: Literal["foreign_data_wrapper"] = "foreign_data_wrapper"
    handler: str | None = None
    validator: str | None = None
    options: tuple[str, ...] = ()
    SQL_KIND: ClassVar[str] = "FOREIGN DATA WRAPPER"

    @cached_name
    def qualified_name(self) -> str:
        return quote_ident(self.name)


class ForeignServer(DbObject):
    kind: Literal["server"] = "server"
    wrapper: str
    server_type: str | None = None
    server_version: str | None = None
    options: tuple[str, ...] = ()
    SQL_KIND: ClassVar[str] = "SERVER"

    @cached_name
    def qualified_name(self) -> str:
        return quote_ident(self.name)


class UserMapping(DbObject):
    """``name`` is the role (or PUBLIC); ``server`` the foreign server. Secret option values are masked."""

    kind: Literal["user_mapping"] = "user_mapping"
    server: str
    options: tuple[str, ...] = ()

    @cached_name
    def key(self) -> str:
        return f"user_mapping:{quote_ident(self.name)}@{quote_ident(self.server)}"

    @cached_name
    def display_name(self) -> str:
        return f"{self.name} @ {self.server}"



class Subscription(DbObject):
    """A logical replication subscription, as a definition only.

    ``connection`` is the connection string with its password masked (``password=***``),
    or None when the role could not read it (pg_subscription.subconninfo is for
    superusers). Whether it is enabled is kept but not compared: a plan never enables
    one (nor connects to its publisher).
    """

    kind: Literal["subscription"] = "subscription"
    connection: str | None = None
    publications: tuple[str, ...] = ()
    """Publication names, sorted."""
    enabled: bool = False
    slot_name: str | None = None
    """The replication slot on the publisher; None for ``slot_name = NONE``."""
    synchronous_commit: str = "off"
    binary: bool = False
    streaming: str = "off"
    """``off``, ``on`` or ``parallel`` (16+)."""
    two_phase: bool = False
    disable_on_error: bool = False
    password_required: bool = True
    run_as_owner: bool = False
    origin: str = "any"
    failover: bool = False
    NOT_COMPARED: ClassVar[frozenset[str]] = frozenset({"enabled"})
    UNKNOWN_WHEN_NONE: ClassVar[frozenset[str]] = frozenset({"connection"})
    SQL_KIND: ClassVar[str] = "SUBSCRIPTION"

    @cached_name
    def qualified_name(self) -> str:
        return quote_ident(self.name)

class Publication(DbObject):
    kind: Literal["publication"] = "publication"
    all_tables: bool = False
    operations: tuple[str, ...] = ("insert", "update", "delete", "truncate")
    via_root: bool = False
    tables: tuple[str, ...] = ()
    """Qualified table names (with column lists / WHERE as printed), sorted."""
    schemas: tuple[str, ...] = ()
    """Quoted names of TABLES IN SCHEMA schemas (15+), sorted."""
    publish_generated_columns: str = "none"
    """``none`` or ``stored`` (the option exists from 18; older servers never publish them)."""
    SQL_KIND: ClassVar[str] = "PUBLICATION"

    @cached_name
    def qualified_name(self) -> str:
        return quote_ident(self.name)


class DefaultPrivilege(DbObject):
    """``ALTER DEFAULT PRIVILEGES FOR ROLE name [IN SCHEMA schema_name] ... ON object_type``."""

    kind: Literal["default_privilege"] = "default_privilege"
    object_type: str
    """r tables, S sequences, f functions, T types, n schemas."""

    @cached_name
    def key(self) -> str:
        where = quote_ident(self.schema_name) if self.schema_name else "*"
        return f"default_privilege:{quote_ident(self.name)}:{where}:{self.object_type}"

    @cached_name
    def display_name(self) -> str:
        where = f" in {self.schema_name}" if self.schema_name else ""
        return f"for {self.name}{where} on {self.object_type}"


# --------------------------------------------------------------------------- text search
# References are stored as the catalog prints them, schema-qualified so that two databases
# print one reference alike: a function as regproc output (``prsd_start`` for a built-in,
# ``s.f`` for a user function); a parser, template or dictionary as its quoted qualified
# name (``pg_catalog.simple``).


class TextSearchParser(DbObject):
    """Five C functions (``CREATE TEXT SEARCH PARSER`` needs a superuser); no owner, no grants."""

    kind: Literal["text_search_parser"] = "text_search_parser"
    start: str
    gettoken: str
    end: str
    lextypes: str
    headline: str | None = None
    SQL_KIND: ClassVar[str] = "TEXT SEARCH PARSER"


class TextSearchTemplate(DbObject):
    """A dictionary template: an optional init and a lexize function (superuser only)."""

    kind: Literal["text_search_template"] = "text_search_template"
    init: str | None = None
    lexize: str
    SQL_KIND: ClassVar[str] = "TEXT SEARCH TEMPLATE"


class TextSearchDictionary(DbObject):
    kind: Literal["text_search_dictionary"] = "text_search_dictionary"
    template: str
    """Quoted qualified name of the template (``pg_catalog.snowball``)."""
    options: tuple[str, ...] = ()
    """Template options as ``name = 'value'``, sorted by name."""
    SQL_KIND: ClassVar[str] = "TEXT SEARCH DICTIONARY"


class TextSearchMapping(BaseModel):
    """One token type of a configuration and the dictionaries it consults, in order."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    token: str
    dictionaries: tuple[str, ...] = ()


class TextSearchConfiguration(DbObject):
    kind: Literal["text_search_configuration"] = "text_search_configuration"
    parser: str
    """Quoted qualified name of the parser (``pg_catalog."default"``)."""
    mappings: tuple[TextSearchMapping, ...] = ()
    """Sorted by token type alias."""
    SQL_KIND: ClassVar[str] = "TEXT SEARCH CONFIGURATION"


# --------------------------------------------------------------------------- casts, languages, conversions, transforms
# Casts and transforms have no name of their own: their identity is what they join. Types
# are format_type output, functions regprocedure output (``s.f(integer)``), both printed
# with search_path = pg_catalog so built-ins are bare and user objects schema-qualified.


class Cast(DbObject):
    """``name`` is ``source AS target``; database-wide, no owner, no grants."""

    kind: Literal["cast"] = "cast"
    source: str
    target: str
    method: str = "f"
    """f function, i inout, b binary coercible (WITHOUT FUNCTION)."""
    function: str | None = None
    """regprocedure of the cast function (method f)."""
    context: str = "e"
    """e explicit only, a assignment, i implicit."""
    SQL_KIND: ClassVar[str] = "CAST"

    @cached_name
    def qualified_name(self) -> str:
        return f"({self.source} AS {self.target})"


class Language(DbObject):
    kind: Literal["language"] = "language"
    trusted: bool = False
    handler: str | None = None
    """regproc of the call handler."""
    inline: str | None = None
    validator: str | None = None
    SQL_KIND: ClassVar[str] = "LANGUAGE"

    @cached_name
    def qualified_name(self) -> str:
        return quote_ident(self.name)


class Conversion(DbObject):
    kind: Literal["conversion"] = "conversion"
    source_encoding: str
    target_encoding: str
    function: str
    """regproc of the conversion function."""
    is_default: bool = False
    SQL_KIND: ClassVar[str] = "CONVERSION"


class Transform(DbObject):
    """``name`` is ``type LANGUAGE language``; database-wide, no owner, no grants."""

    kind: Literal["transform"] = "transform"
    type: str
    language: str
    from_sql: str | None = None
    """regprocedure of the FROM SQL function."""
    to_sql: str | None = None
    SQL_KIND: ClassVar[str] = "TRANSFORM"

    @cached_name
    def qualified_name(self) -> str:
        return f"FOR {self.type} LANGUAGE {quote_ident(self.language)}"


# --------------------------------------------------------------------------- operators


class Operator(DbObject):
    """Identity: schema, symbol and operand types (``NONE`` for a prefix operator's left)."""

    kind: Literal["operator"] = "operator"
    left: str = "NONE"
    right: str = "NONE"
    """format_type of the operands."""
    function: str
    """regproc of the implementing function."""
    result: str = "boolean"
    commutator: str | None = None
    """Qualified symbol (``s.=~``) of the commutator, whose operands are these swapped."""
    negator: str | None = None
    restrict: str | None = None
    join: str | None = None
    hashes: bool = False
    merges: bool = False
    NOT_COMPARED: ClassVar[frozenset[str]] = frozenset({"result"})
    SQL_KIND: ClassVar[str] = "OPERATOR"

    @cached_name
    def qualified_name(self) -> str:
        return f"{quote_ident(self.schema_name or 'public')}.{self.name}"

    @cached_name
    def signature(self) -> str:
        return f"{self.qualified_name}({self.left}, {self.right})"

    @cached_name
    def key(self) -> str:
        return f"operator:{self.signature}"

    @cached_name
    def display_name(self) -> str:
        return self.signature


class OperatorMember(BaseModel):
    """An operator (pg_amop) or support function (pg_amproc) of an operator class or family."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    member: str
    """``operator`` or ``function``."""
    number: int
    """Strategy or support function number."""
    left: str
    right: str
    """The operand types it is registered for (format_type)."""
    target: str
    """The operator (qualified symbol) or the function (regprocedure)."""
    order_by: str | None = None
    """For an ordering operator: the qualified btree family it sorts by."""


class _AccessMethodObject(DbObject):
    method: str
    """The index access method (``btree``, ``gist``, ...)."""

    @cached_name
    def key(self) -> str:
        return f"{self.kind}:{self.qualified_name} USING {quote_ident(self.method)}"

    @cached_name
    def display_name(self) -> str:
        return f"{self.qualified_name} USING {quote_ident(self.method)}"


class OperatorFamily(_AccessMethodObject):
    kind: Literal["operator_family"] = "operator_family"
    members: tuple[OperatorMember, ...] = ()
    """Loose members (ALTER OPERATOR FAMILY ... ADD), not those of its classes."""
    SQL_KIND: ClassVar[str] = "OPERATOR FAMILY"


class OperatorClass(_AccessMethodObject):
    kind: Literal["operator_class"] = "operator_class"
    type: str
    family: str
    """Qualified name of its family."""
    is_default: bool = False
    storage: str | None = None
    members: tuple[OperatorMember, ...] = ()
    SQL_KIND: ClassVar[str] = "OPERATOR CLASS"


# --------------------------------------------------------------------------- base and shell types


class ShellType(DbObject):
    """``CREATE TYPE name``: a name reserved for a base type not (yet) defined.

    Every base type comes with its shell: its input/output functions depend on the shell,
    the base type on those functions, so the plan creates shell, functions, full type.
    """

    kind: Literal["shell_type"] = "shell_type"
    SQL_KIND: ClassVar[str] = "TYPE"


class BaseType(DbObject):
    """A type defined by its input/output functions (``CREATE TYPE name (INPUT = ...)``).

    Functions are regproc text (``s.t_in``, or bare for a built-in).
    """

    kind: Literal["base_type"] = "base_type"
    input: str
    output: str
    receive: str | None = None
    send: str | None = None
    typmod_in: str | None = None
    typmod_out: str | None = None
    analyze: str | None = None
    subscript: str | None = None
    internal_length: int = -1
    """-1 VARIABLE, -2 a C string."""
    passed_by_value: bool = False
    alignment: str = "i"
    """c char, s int2, i int4, d double."""
    storage: str = "p"
    """p plain, e external, m main, x extended."""
    category: str = "U"
    preferred: bool = False
    default: str | None = None
    element: str | None = None
    delimiter: str = ","
    collatable: bool = False
    functions: tuple[str, ...] = ()
    """Keys of its support functions (those the DROP TYPE ... CASCADE of the type takes along)."""
    NOT_COMPARED: ClassVar[frozenset[str]] = frozenset({"functions"})
    SQL_KIND: ClassVar[str] = "TYPE"


# --------------------------------------------------------------------------- roles (cluster-wide, opt-in)


class Role(DbObject):
    """A role of the cluster, read only with ``--roles`` (never its password).

    ``settings`` are its ``ALTER ROLE ... SET`` defaults for every database,
    ``database_settings`` those for the database the snapshot was read from.
    """

    kind: Literal["role"] = "role"
    superuser: bool = False
    create_db: bool = False
    create_role: bool = False
    inherit: bool = True
    login: bool = False
    replication: bool = False
    bypass_rls: bool = False
    connection_limit: int = -1
    valid_until: str | None = None
    member_of: tuple[str, ...] = ()
    """Roles it is a member of, sorted."""
    admin_of: tuple[str, ...] = ()
    """Those of member_of it holds WITH ADMIN OPTION."""
    settings: tuple[str, ...] = ()
    """``name=value``, sorted."""
    database_settings: tuple[str, ...] = ()
    SQL_KIND: ClassVar[str] = "ROLE"

    @cached_name
    def qualified_name(self) -> str:
        return quote_ident(self.name)


AnyObject = Annotated[
    (
        Schema | Extension | Collation | EnumType | Domain | CompositeType | RangeType | Sequence | Table |
        ForeignTable | Column | Constraint | Index | View | MaterializedView | Function | Trigger | Rule |
        Policy | Statistics | EventTrigger | ForeignDataWrapper | ForeignServer | UserMapping | Publication |
        Subscription | DefaultPrivilege | TextSearchParser | TextSearchTemplate | TextSearchDictionary |
        TextSearchConfiguration | Cast | Language | Conversion | Transform | Operator | OperatorFamily |
        OperatorClass | ShellType | BaseType | Role
    ),
    Field(discriminator="kind"),
]

# Templates are made now, before any instance exists (see pgsd.model.fast).
for _kind_class in AnyObject.__origin__.__args__:  # type: ignore[attr-defined]
    _kind_class.catalog_template()
for _part_class in (DomainCheck, CompositeAttribute):  # parts the types loader builds the same way
    fast.catalog_template(_part_class)

# What each kind is (label, ranks, properties) is in the kind registry, pgsd.model.kinds.


def __getattr__(name: str):
    """``KIND_LABELS`` lives in the kind registry (pgsd.model.kinds); this keeps old imports working."""
    if name == "KIND_LABELS":
        from pgsd.model.kinds import KIND_LABELS  # noqa: PLC0415 - kinds imports this module

        return KIND_LABELS
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

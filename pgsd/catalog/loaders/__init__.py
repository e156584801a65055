"""Per-kind loaders, in the order they run (later loaders may use OIDs earlier ones registered).

Each entry is (module, function, progress label). The dependency and coverage loaders
run last, once every object has registered its OIDs.
"""

LOADERS: tuple[tuple[str, str, str], ...] = (
    ("pgsd.catalog.loaders.namespaces", "load_schemas", "schemas"),
    ("pgsd.catalog.loaders.namespaces", "load_extensions", "extensions"),
    ("pgsd.catalog.loaders.namespaces", "load_collations", "collations"),
    ("pgsd.catalog.loaders.types", "load_types", "types"),
    ("pgsd.catalog.loaders.relations", "load_sequences", "sequences"),
    ("pgsd.catalog.loaders.relations", "load_tables", "tables"),
    ("pgsd.catalog.loaders.relations", "load_columns", "columns"),
    ("pgsd.catalog.loaders.relations", "load_constraints", "constraints"),
    ("pgsd.catalog.loaders.relations", "load_indexes", "indexes"),
    ("pgsd.catalog.loaders.views", "load_views", "views"),
    ("pgsd.catalog.loaders.routines", "load_functions", "functions"),
    ("pgsd.catalog.loaders.table_objects", "load_triggers", "triggers"),
    ("pgsd.catalog.loaders.table_objects", "load_rules", "rules"),
    ("pgsd.catalog.loaders.table_objects", "load_policies", "policies"),
    ("pgsd.catalog.loaders.table_objects", "load_statistics", "statistics"),
    ("pgsd.catalog.loaders.routines", "load_event_triggers", "event triggers"),
    ("pgsd.catalog.loaders.foreign", "load_foreign_data_wrappers", "foreign data wrappers"),
    ("pgsd.catalog.loaders.foreign", "load_servers", "foreign servers"),
    ("pgsd.catalog.loaders.foreign", "load_user_mappings", "user mappings"),
    ("pgsd.catalog.loaders.foreign", "load_publications", "publications"),
    ("pgsd.catalog.loaders.privileges", "load_default_privileges", "default privileges"),
    ("pgsd.catalog.loaders.dependencies", "load_dependencies", "dependencies"),
    ("pgsd.catalog.loaders.coverage", "load_coverage", "coverage"),
)

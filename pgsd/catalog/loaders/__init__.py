"""Per-kind loaders, in the order they run (later loaders may use OIDs earlier ones registered).

Each entry is (module, function, progress label, the catalog queries it reads in
order). The dependency and coverage loaders run last, once every object has registered
its OIDs. The queries are listed so that a side's queries can run ahead of its loaders
(``pgsd.catalog.prefetch``); a loader that reads a query out of turn fails loudly.
"""

LOADERS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("pgsd.catalog.loaders.roles", "load_roles", "roles", ("roles",)),
    ("pgsd.catalog.loaders.namespaces", "load_schemas", "schemas", ("schemas",)),
    ("pgsd.catalog.loaders.namespaces", "load_extensions", "extensions", ("extensions",)),
    ("pgsd.catalog.loaders.namespaces", "load_collations", "collations", ("collations",)),
    ("pgsd.catalog.loaders.types", "load_types", "types",
     ("types_enum", "types_domain", "types_composite", "types_range")),
    ("pgsd.catalog.loaders.base_types", "load_base_types", "base types", ("base_types",)),
    ("pgsd.catalog.loaders.relations", "load_sequences", "sequences", ("sequences",)),
    ("pgsd.catalog.loaders.relations", "load_tables", "tables", ("tables",)),
    ("pgsd.catalog.loaders.relations", "load_columns", "columns", ("columns",)),
    ("pgsd.catalog.loaders.relations", "load_constraints", "constraints", ("constraints",)),
    ("pgsd.catalog.loaders.relations", "load_indexes", "indexes", ("indexes",)),
    ("pgsd.catalog.loaders.views", "load_views", "views", ("views",)),
    ("pgsd.catalog.loaders.routines", "load_functions", "functions", ("functions",)),
    ("pgsd.catalog.loaders.table_objects", "load_triggers", "triggers", ("triggers",)),
    ("pgsd.catalog.loaders.table_objects", "load_rules", "rules", ("rules",)),
    ("pgsd.catalog.loaders.table_objects", "load_policies", "policies", ("policies",)),
    ("pgsd.catalog.loaders.table_objects", "load_statistics", "statistics", ("statistics",)),
    ("pgsd.catalog.loaders.routines", "load_event_triggers", "event triggers", ("event_triggers",)),
    ("pgsd.catalog.loaders.foreign", "load_foreign_data_wrappers", "foreign data wrappers", ("foreign_data_wrappers",)),
    ("pgsd.catalog.loaders.foreign", "load_servers", "foreign servers", ("servers",)),
    ("pgsd.catalog.loaders.foreign", "load_user_mappings", "user mappings", ("user_mappings",)),
    ("pgsd.catalog.loaders.foreign", "load_publications", "publications", ("publications",)),
    ("pgsd.catalog.loaders.subscriptions", "load_subscriptions", "subscriptions", ("subscriptions",)),
    ("pgsd.catalog.loaders.text_search", "load_text_search_parsers", "text search parsers", ("text_search_parsers",)),
    ("pgsd.catalog.loaders.text_search", "load_text_search_templates", "text search templates",
     ("text_search_templates",)),
    ("pgsd.catalog.loaders.text_search", "load_text_search_dictionaries", "text search dictionaries",
     ("text_search_dictionaries",)),
    ("pgsd.catalog.loaders.text_search", "load_text_search_configurations", "text search configurations",
     ("text_search_configurations",)),
    ("pgsd.catalog.loaders.extending", "load_casts", "casts", ("casts",)),
    ("pgsd.catalog.loaders.extending", "load_languages", "languages", ("languages",)),
    ("pgsd.catalog.loaders.extending", "load_conversions", "conversions", ("conversions",)),
    ("pgsd.catalog.loaders.extending", "load_transforms", "transforms", ("transforms",)),
    ("pgsd.catalog.loaders.operators", "load_operators", "operators", ("operators",)),
    ("pgsd.catalog.loaders.operators", "load_operator_families", "operator families", ("operator_families",)),
    ("pgsd.catalog.loaders.operators", "load_operator_classes", "operator classes", ("operator_classes",)),
    ("pgsd.catalog.loaders.privileges", "load_default_privileges", "default privileges", ("default_privileges",)),
    ("pgsd.catalog.loaders.dependencies", "load_dependencies", "dependencies", ("dependencies",)),
    ("pgsd.catalog.loaders.coverage", "load_coverage", "coverage", ("coverage", "security_labels")),
)

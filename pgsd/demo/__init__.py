"""The built-in demo: an embedded PostgreSQL with a sample shop in two versions."""

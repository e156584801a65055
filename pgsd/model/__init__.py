"""Pure data: the objects of a schema, their identity keys, and the snapshot format."""

"""Building model objects fast and small: what introspection uses instead of validation.

``pgsd.model.objects`` is the data (the kinds and their fields); this module is the one
place that knows how CPython lays those objects out, so that introspection can build
half a million of them without paying for it. Three tricks, each measured when it was
introduced:

* **Split-dict templates** (``catalog_template``). A template is the ``__dict__`` of a
  throwaway instance filled attribute by attribute, so CPython stores it as a *split*
  dict sharing its key table with every other instance of the class; ``copy()`` of it
  stays split. An object built on a copy costs about half the memory of one built on a
  plain dict, which is what lets a 10,000-table pair (half a million objects) fit in a
  few hundred MB. Every kind's template is made when ``objects`` is imported, before any
  instance exists: CPython 3.11 shrinks a class's shared key table a little with every
  instance created, so a template made after a few thousand validated objects would no
  longer fit in it.
* **No validation** (``from_template``, ``from_templates``, ``from_catalog``): the catalog
  already guarantees the rows' types; validating each again would cost more than the
  queries. Snapshot files and tests go through validation.
* **Cached names** (``cached_name``): keys and names are read many times while diffing
  and planning and depend only on frozen fields, so each is computed once per object,
  without ``functools.cached_property``'s lock (3.11 takes one on every first read).
  ``CACHED_NAMES`` is the hand-kept list of every ``cached_name`` in the model: the
  template reserves their slots in the shared key table (a key the table lacks would
  turn the dict into an ordinary one, twice the size), and ``model_copy`` drops them.
  tests/unit/test_model_fast_paths.py checks the list against the classes.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

CACHED_NAMES = ("qualified_name", "key", "parent_key", "table_name", "display_name", "signature")
"""Every ``cached_name`` of every model class (checked by a test)."""

_new = object.__new__
_set = object.__setattr__
# BaseModel's slots, set through their descriptors: half the cost of object.__setattr__,
# which matters when introspection builds half a million objects
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__


class cached_name:  # noqa: N801 - used as a decorator, like property
    """Like functools.cached_property without its lock (see the module docstring)."""

    def __init__(self, func: Any) -> None:
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, cls: type | None = None) -> Any:
        if obj is None:
            return self
        value = self.func(obj)
        obj.__dict__[self.name] = value
        return value


def catalog_template(cls: type[BaseModel]) -> dict[str, Any]:
    """A dict of every field of ``cls`` at its default (None for required ones), to copy and fill.

    Build the object with ``from_template``; do not mutate the returned dict.
    """
    template: dict[str, Any] | None = cls.__dict__.get("_catalog_template")
    if template is None:
        defaults: dict[str, Any] = {}
        for name, f in cls.model_fields.items():
            if f.is_required():
                defaults[name] = None
            elif f.default_factory is not None:
                defaults[name] = f.default_factory()  # type: ignore[call-arg]
            else:
                defaults[name] = f.default
        # The first holder puts the fields *and* the cached names into the class's
        # shared key table, so that adding ``key`` (or any cached name) to a copy
        # later finds its slot there. The second holder's dict, fields only, is the
        # template: the cached names must stay absent until computed.
        for with_cached in (True, False):
            holder = _new(cls)
            for name, value in defaults.items():
                _set(holder, name, value)
            if with_cached:
                for name in CACHED_NAMES:
                    _set(holder, name, None)
        template = holder.__dict__
        type.__setattr__(cls, "_catalog_template", template)
        type.__setattr__(cls, "_all_fields_set", set(cls.model_fields))
    return template


def from_template(cls: type[BaseModel], values: dict[str, Any]) -> Any:
    """Wrap a filled copy of ``catalog_template(cls)`` as an instance, without validation.

    Keys the caller already knows (``key``, ``table_name``, ``parent_key``) may be put in
    ``values`` too: they are what the cached names would compute.
    """
    obj = _new(cls)
    _set(obj, "__dict__", values)
    # one shared set per class: nothing here uses exclude_unset, and a set per
    # object would cost more memory than the object's values
    _set_fields_set(obj, cls.__dict__["_all_fields_set"])
    _set_extra(obj, None)
    _set_private(obj, None)
    return obj


def from_templates(cls: type[BaseModel], all_values: list[dict[str, Any]]) -> tuple:
    """``from_template`` for many objects at once: a table's columns, say.

    The same steps in one loop. The columns loader builds about 35,000 objects a side at
    2,000 tables, where one call per object costs a fifth of the work.
    """
    fields_set = cls.__dict__["_all_fields_set"]
    out: list[Any] = []
    append = out.append
    for values in all_values:
        obj = _new(cls)
        _set(obj, "__dict__", values)
        _set_fields_set(obj, fields_set)
        _set_extra(obj, None)
        _set_private(obj, None)
        append(obj)
    return tuple(out)


def from_catalog(cls: type[BaseModel], **values: Any) -> Any:
    """Build from values read from the catalog, without validation (see from_template)."""
    data = catalog_template(cls).copy()
    data.update(values)
    return from_template(cls, data)


def forget_cached_names(obj: BaseModel) -> None:
    """Drop the cached names of a fresh copy (its update may rename it)."""
    pop = obj.__dict__.pop
    for name in CACHED_NAMES:
        pop(name, None)

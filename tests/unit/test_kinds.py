"""The kind registry is complete: every model class has an entry, every entry a loader, a renderer and a label.

Adding a kind means a model class, a loader, a renderer and a registry entry; forgetting
one of them fails here rather than as a silently missing object in a diff or a plan.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import typing

from pgsd.catalog.loaders import LOADERS
from pgsd.ddl.render import renderers
from pgsd.model import objects
from pgsd.model.kinds import BY_NAME, CREATE_RANK, DISPLAY_RANK, KIND_LABELS, KINDS, kind_of, kinds_where
from pgsd.model.objects import AnyObject, DbObject


def _model_classes() -> set[type[DbObject]]:
    """Every class of objects.py that fixes a ``kind`` (a concrete kind of object)."""
    out = set()
    for _, cls in inspect.getmembers(objects, inspect.isclass):
        if issubclass(cls, DbObject) and cls.__module__ == objects.__name__:
            default = cls.model_fields["kind"].default
            if isinstance(default, str) and default:
                out.add(cls)
    return out


def test_every_model_class_has_an_entry():
    registered = {k.model for k in KINDS}
    missing = sorted(c.__name__ for c in _model_classes() - registered)
    assert not missing, f"model classes without a kind registry entry: {missing}"


def test_every_entry_is_a_snapshot_object_of_its_own_kind():
    union = set(typing.get_args(typing.get_args(AnyObject)[0]))
    for k in KINDS:
        assert k.model.model_fields["kind"].default == k.name, k.name
        assert k.model in union, f"{k.model.__name__} is not in AnyObject: snapshots could not hold it"
    assert len(BY_NAME) == len(KINDS), "two entries share a name"


def test_every_entry_has_a_label_and_distinct_ranks():
    for k in KINDS:
        assert k.label.strip(), f"{k.name} has no label"
    assert sorted(CREATE_RANK.values()) == list(range(len(KINDS))), "creation ranks are not 0..n-1 without gaps"
    assert sorted(DISPLAY_RANK.values()) == list(range(len(KINDS)))
    assert set(KIND_LABELS) == set(BY_NAME)


def _loader_sources() -> dict[str, str]:
    return {module: inspect.getsource(importlib.import_module(module)) for module in {entry[0] for entry in LOADERS}}


def _names(node: ast.expr) -> set[str]:
    """Class names an expression may evaluate to: ``Table``, ``ForeignTable if f else Table``."""
    if isinstance(node, ast.Name):
        return {node.id}
    if isinstance(node, ast.IfExp):
        return _names(node.body) | _names(node.orelse)
    return set()


def _builds(source: str, class_name: str) -> bool:
    """Whether a module builds objects of ``class_name``: calls it or one of its constructors,
    or picks it as the class to build (``cls = ForeignTable if foreign else Table``)."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id == class_name:
                return True
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == class_name:
                return True
        if isinstance(node, ast.Assign) and class_name in _names(node.value):
            return True
    return False


def test_every_entry_has_a_loader():
    sources = _loader_sources()
    missing = [k.name for k in KINDS if not any(_builds(text, k.model.__name__) for text in sources.values())]
    assert not missing, f"kinds no catalog loader builds: {missing}"


def test_every_entry_has_a_renderer():
    rend = renderers()
    missing = [k.name for k in KINDS if k.name not in rend]
    assert not missing, f"kinds without a DDL renderer: {missing}"
    unknown = sorted(set(rend) - set(BY_NAME))
    assert not unknown, f"renderers for kinds the registry does not know: {unknown}"


def test_the_builder_check_can_fail():
    """The loader check looks for construction, not a mere mention."""
    assert _builds("x = Table.from_catalog(a=1)", "Table")
    assert _builds("x = Trigger(name='t')", "Trigger")
    assert _builds("cls = ForeignTable if foreign else Table", "Table")
    assert not _builds("from m import Table\nisinstance(x, Table)\ndef f() -> Table: pass", "Table")


def test_flags_answer_what_the_old_tables_said():
    # the tables the registry replaced, as they were written out before it
    # functions joined them since: their signatures and BEGIN ATOMIC bodies hold on to what changes shape
    assert kinds_where("viewish") == {"view", "materialized_view", "rule", "policy", "trigger", "function"}
    assert kinds_where("relation") == {"table", "foreign_table", "view", "materialized_view", "sequence", "index",
                                       "composite"}
    assert kinds_where("type_name") == {"enum", "domain", "composite", "range", "table", "foreign_table", "view",
                                        "materialized_view", "shell_type", "base_type"}  # + issue 24's type kinds
    assert kinds_where("holds_children") == {"table", "view", "materialized_view", "foreign_table"}
    assert kinds_where("table_child") == {"column", "constraint", "index", "trigger", "rule", "policy"}
    assert kind_of("no such kind").create_rank == 99

"""Text search parsers, templates, dictionaries and configurations.

Parsers and templates cannot be altered (beyond their comment and name): any change
recreates them, and they have neither owner nor grants. A dictionary's options change in
place (``ALTER TEXT SEARCH DICTIONARY d (opt = 'v', removed_opt)``), its template does
not. A configuration is created empty from its parser and then given its mappings one
token type at a time; changed mappings are added, altered or dropped in place, a new
parser recreates it. None of the four kinds has privileges.
"""

from __future__ import annotations

from pgsd.ddl.context import RenderContext
from pgsd.ddl.plan import Statement
from pgsd.ddl.render.base import Renderer, stmt
from pgsd.model.names import quote_ident
from pgsd.model.objects import (
    DbObject,
    TextSearchConfiguration,
    TextSearchDictionary,
    TextSearchParser,
    TextSearchTemplate,
)


class _TextSearchRenderer(Renderer):
    def drop(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        return [stmt(f"DROP {self.object_ref(obj)}", obj, "drop")]

    def grant_statements(self, old_acl: tuple[str, ...] | None, new: DbObject) -> list[Statement]:
        return []  # no privileges on text search objects

    def _created(self, obj: DbObject, sql: str, ctx: RenderContext) -> list[Statement]:
        return [stmt(sql, obj, "create"), *self.after_create(obj, ctx, compare_owner=ctx.options.owners)]


class TextSearchParserRenderer(_TextSearchRenderer):
    def create(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        assert isinstance(obj, TextSearchParser)
        opts = [f"START = {obj.start}", f"GETTOKEN = {obj.gettoken}", f"END = {obj.end}",
                f"LEXTYPES = {obj.lextypes}"]
        if obj.headline:
            opts.append(f"HEADLINE = {obj.headline}")
        return self._created(obj, f"CREATE TEXT SEARCH PARSER {obj.qualified_name} ({', '.join(opts)})", ctx)


class TextSearchTemplateRenderer(_TextSearchRenderer):
    def create(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        assert isinstance(obj, TextSearchTemplate)
        opts = [f"INIT = {obj.init}"] if obj.init else []
        opts.append(f"LEXIZE = {obj.lexize}")
        return self._created(obj, f"CREATE TEXT SEARCH TEMPLATE {obj.qualified_name} ({', '.join(opts)})", ctx)


def _option_name(option: str) -> str:
    return option.partition("=")[0].strip()


class TextSearchDictionaryRenderer(_TextSearchRenderer):
    def create(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        assert isinstance(obj, TextSearchDictionary)
        opts = [f"TEMPLATE = {obj.template}", *obj.options]
        return self._created(obj, f"CREATE TEXT SEARCH DICTIONARY {obj.qualified_name} ({', '.join(opts)})", ctx)

    def alter_specific(self, old: DbObject, new: DbObject, changed: set[str],
                       ctx: RenderContext) -> list[Statement] | None:
        assert isinstance(old, TextSearchDictionary) and isinstance(new, TextSearchDictionary)
        if changed != {"options"}:
            return None
        now = {_option_name(o): o for o in new.options}
        removed = sorted(_option_name(o) for o in old.options if _option_name(o) not in now)
        settings = [o for o in new.options if o not in old.options] + removed
        return [stmt(f"ALTER TEXT SEARCH DICTIONARY {new.qualified_name} ({', '.join(settings)})", new, "alter")]


class TextSearchConfigurationRenderer(_TextSearchRenderer):
    def create(self, obj: DbObject, ctx: RenderContext) -> list[Statement]:
        assert isinstance(obj, TextSearchConfiguration)
        out = [stmt(f"CREATE TEXT SEARCH CONFIGURATION {obj.qualified_name} (PARSER = {obj.parser})", obj, "create")]
        for m in obj.mappings:
            out.append(self._mapping(obj, "ADD", m.token, m.dictionaries, "create"))
        return out + self.after_create(obj, ctx, compare_owner=ctx.options.owners)

    def _mapping(self, obj: TextSearchConfiguration, verb: str, token: str, dictionaries: tuple[str, ...],
                 action: str) -> Statement:
        sql = f"ALTER TEXT SEARCH CONFIGURATION {obj.qualified_name} {verb} MAPPING FOR {quote_ident(token)}"
        if verb != "DROP":
            sql += f" WITH {', '.join(dictionaries)}"
        return stmt(sql, obj, action)

    def alter_specific(self, old: DbObject, new: DbObject, changed: set[str],
                       ctx: RenderContext) -> list[Statement] | None:
        assert isinstance(old, TextSearchConfiguration) and isinstance(new, TextSearchConfiguration)
        if changed != {"mappings"}:
            return None
        was = {m.token: m.dictionaries for m in old.mappings}
        now = {m.token: m.dictionaries for m in new.mappings}
        out = []
        for token in sorted(set(was) | set(now)):
            if token not in now:
                out.append(self._mapping(new, "DROP", token, (), "alter"))
            elif token not in was:
                out.append(self._mapping(new, "ADD", token, now[token], "alter"))
            elif was[token] != now[token]:
                out.append(self._mapping(new, "ALTER", token, now[token], "alter"))
        return out


RENDERERS: dict[str, Renderer] = {
    "text_search_parser": TextSearchParserRenderer(),
    "text_search_template": TextSearchTemplateRenderer(),
    "text_search_dictionary": TextSearchDictionaryRenderer(),
    "text_search_configuration": TextSearchConfigurationRenderer(),
}

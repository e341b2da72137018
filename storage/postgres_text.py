"""Strings sent to PostgreSQL lose their NUL characters, which its text type cannot hold.

A customer's post can carry one (a listening tool forwards it as `\\u0000`), and so can a
word typed into Slack; on SQLite it is stored, on PostgreSQL it was a DataError that failed
the whole request. Each str dumper psycopg picks (binary, text, and text of unknown type) is
replaced by one that drops NUL first, on every connection of the engine.
"""

from __future__ import annotations

from typing import Any

from psycopg.abc import Buffer
from psycopg.types.string import StrBinaryDumper, StrDumper, StrDumperUnknown


class _BinaryWithoutNul(StrBinaryDumper):
    def dump(self, obj: str) -> Buffer | None:
        return super().dump(obj.replace("\x00", ""))


class _TextWithoutNul(StrDumper):
    def dump(self, obj: str) -> Buffer | None:
        return super().dump(obj.replace("\x00", ""))


class _UnknownWithoutNul(StrDumperUnknown):
    def dump(self, obj: str) -> Buffer | None:
        return super().dump(obj.replace("\x00", ""))


def register_text_without_nul(connection: Any) -> None:
    """Make `connection` (a psycopg connection) drop NUL from every str it sends."""
    # The last dumper registered for a format is its default: the same order as psycopg's.
    for dumper in (_BinaryWithoutNul, _TextWithoutNul, _UnknownWithoutNul):
        connection.adapters.register_dumper(str, dumper)

"""Repository: one row of settings per guild."""

from __future__ import annotations

from dataclasses import asdict, fields

from bot.domain.clock import to_db, utcnow
from bot.domain.settings import GuildSettings
from db.database import Connection, Row

_COLUMNS = tuple(f.name for f in fields(GuildSettings))


def _from_row(row: Row) -> GuildSettings:
    return GuildSettings(**{name: row[name] for name in _COLUMNS})


async def get(conn: Connection, guild_id: int) -> GuildSettings | None:
    row = await conn.fetchone(
        f"SELECT {', '.join(_COLUMNS)} FROM guild_settings WHERE guild_id = ?", (guild_id,)
    )
    return None if row is None else _from_row(row)


async def ensure(conn: Connection, defaults: GuildSettings) -> GuildSettings:
    """The guild's row, stored with ``defaults`` first if it had none (one statement)."""
    now = to_db(utcnow())
    row = await conn.fetchone(
        f"INSERT INTO guild_settings ({', '.join(_COLUMNS)}, created_at, updated_at) "
        f"VALUES ({', '.join(':' + c for c in _COLUMNS)}, :now, :now) "
        "ON CONFLICT (guild_id) DO UPDATE SET guild_id = excluded.guild_id "
        f"RETURNING {', '.join(_COLUMNS)}",
        {**asdict(defaults), "now": now},
    )
    assert row is not None
    return _from_row(row)


async def save(conn: Connection, settings: GuildSettings) -> None:
    """Write every column of an existing guild's settings."""
    editable = [c for c in _COLUMNS if c != "guild_id"]
    await conn.execute(
        f"UPDATE guild_settings SET {', '.join(f'{c} = :{c}' for c in editable)}, "
        "updated_at = :now WHERE guild_id = :guild_id",
        {**asdict(settings), "now": to_db(utcnow())},
    )


async def guild_ids(conn: Connection) -> list[int]:
    """Every guild that has stored settings (any guild that was ever configured)."""
    rows = await conn.fetchall("SELECT guild_id FROM guild_settings ORDER BY guild_id")
    return [r["guild_id"] for r in rows]

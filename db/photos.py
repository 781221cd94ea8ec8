"""Repository: the photos of reports (cleaned JPEG bytes, see bot.domain.photos)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from bot.domain.photos import Photo, Stored
from db.database import Connection


async def replace(conn: Connection, report_id: int, photos: Sequence[Stored]) -> None:
    """The report's photos are now ``photos``, in this order."""
    await conn.execute("DELETE FROM report_photos WHERE report_id = ?", (report_id,))
    for position, kept in enumerate(photos, start=1):
        photo, preview = kept.photo, kept.preview
        await conn.execute(
            "INSERT INTO report_photos (report_id, position, content_type, width, height, data, "
            "preview_width, preview_height, preview) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                report_id, position, photo.content_type, photo.width, photo.height, photo.data,
                preview.width, preview.height, preview.data,
            ),
        )  # fmt: skip


async def copy(conn: Connection, from_report: int, to_report: int) -> None:
    """Give ``to_report`` the photos of ``from_report`` (a rejected report written anew)."""
    await conn.execute(
        "INSERT INTO report_photos (report_id, position, content_type, width, height, data, "
        "preview_width, preview_height, preview) SELECT ?, position, content_type, width, "
        "height, data, preview_width, preview_height, preview FROM report_photos "
        "WHERE report_id = ?",
        (to_report, from_report),
    )


async def of_report(conn: Connection, report_id: int, preview: bool = False) -> list[Photo]:
    """The report's photos in order; ``preview``: their smaller copies."""
    columns = (
        "preview_width AS width, preview_height AS height, preview AS data"
        if preview
        else "width, height, data"
    )
    rows = await conn.fetchall(
        f"SELECT content_type, {columns} FROM report_photos WHERE report_id = ? ORDER BY position",
        (report_id,),
    )
    return [Photo(bytes(r["data"]), r["width"], r["height"], r["content_type"]) for r in rows]


async def counts(conn: Connection, report_ids: Sequence[int]) -> dict[int, int]:
    rows = await conn.fetchall(
        "SELECT report_id, count(*) AS n FROM report_photos "
        "WHERE report_id IN (SELECT value FROM json_each(?)) GROUP BY report_id",
        (json.dumps(list(report_ids)),),
    )
    return {r["report_id"]: r["n"] for r in rows}

"""The page's server: the page and its assets from the package, a small JSON API over
playground.client, the stand-in's stored files, and server-sent events when anything changed.

Only loopback is served (playground.session binds 127.0.0.1). A request whose Host is not the
loopback address (DNS rebinding) or whose Origin is another site (a page elsewhere posting to it)
is refused, and the page may run no script, style or image but its own (Content-Security-Policy):
what a message contains is shown as text, never run.
"""

from __future__ import annotations

import asyncio
import json
import mimetypes
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiohttp import BodyPartReader, web
from aiohttp.typedefs import Middleware

from fake_discord.server import Call
from playground import cast
from playground.client import Refused, Upload

if TYPE_CHECKING:
    from playground.session import Playground

STATIC = Path(__file__).resolve().parent / "static"
ASSETS = {"app.js", "app.css", "favicon.svg"}
MAX_REQUEST = 30 * 1024 * 1024  # Discord's largest upload (25 MB) and the form around it
KEEP_ALIVE = 15.0
SETTLE = 0.03  # many REST calls come together; the page hears of them once
CDN = "https://cdn.discordapp.com/attachments/"
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
        "connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
LOOPBACK_HOSTS = ("127.0.0.1", "localhost")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class Changes:
    """Tells every open page that something changed (a REST call reached the stand-in)."""

    def __init__(self) -> None:
        self._waiting: set[asyncio.Event] = set()
        self.closing = False

    def heard(self, _call: Call | None = None) -> None:
        for event in self._waiting:
            event.set()

    def close(self) -> None:
        self.closing = True
        self.heard()

    def subscribe(self) -> asyncio.Event:
        event = asyncio.Event()
        self._waiting.add(event)
        return event

    def unsubscribe(self, event: asyncio.Event) -> None:
        self._waiting.discard(event)


def make_app(playground: Playground) -> web.Application:
    changes = Changes()
    playground.fake.listeners.append(changes.heard)
    api = Api(playground, changes)
    app = web.Application(client_max_size=MAX_REQUEST, middlewares=[guard, starting(playground)])
    app.router.add_get("/", api.index)
    app.router.add_get("/static/{name}", api.asset)
    app.router.add_get("/cdn/{path:.+}", api.cdn)
    app.router.add_get("/api/world", api.world)
    app.router.add_get("/api/messages", api.messages)
    app.router.add_get("/api/events", api.events)
    app.router.add_post("/api/command", api.command)
    app.router.add_post("/api/autocomplete", api.autocomplete)
    app.router.add_post("/api/click", api.click)
    app.router.add_post("/api/submit", api.submit)
    app.router.add_post("/api/next-day", api.next_day)

    async def on_shutdown(_app: web.Application) -> None:
        changes.close()  # open event streams end, so the server can stop at once

    app.on_shutdown.append(on_shutdown)
    return app


@web.middleware
async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    host = (request.host or "").rsplit(":", 1)[0].strip("[]")
    if host not in LOOPBACK_HOSTS:
        return web.json_response({"error": "refused.host"}, status=403)
    origin = request.headers.get("Origin")
    if origin is not None and origin != f"{request.scheme}://{request.host}":
        return web.json_response({"error": "refused.origin"}, status=403)
    try:
        response = await handler(request)
    except Refused as refused:
        response = web.json_response({"error": refused.key, "detail": refused.detail}, status=400)
    except BadRequest as bad:
        response = web.json_response({"error": "refused.request", "detail": str(bad)}, status=400)
    for key, value in SECURITY_HEADERS.items():
        response.headers.setdefault(key, value)
    return response


def starting(playground: Playground) -> Middleware:
    """Until the bot is ready, the page is served and its questions are answered "starting"."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        api = request.path.startswith("/api/") and request.path != "/api/events"
        if api and not playground.ready.is_set():
            return web.json_response({"error": "starting"}, status=503)
        return await handler(request)

    return middleware


class BadRequest(Exception):
    """What the page sent is not what the page sends."""


def _options(body: dict) -> dict:
    """A command's options as the page sent them: an object of name to value."""
    options = body.get("options") or {}
    if not isinstance(options, dict):
        raise BadRequest("options must be an object")
    return options


def _text(body: dict, key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str):
        raise BadRequest(f"{key} must be text")
    return value


class Api:
    def __init__(self, playground: Playground, changes: Changes) -> None:
        self.playground = playground
        self.client = playground.client
        self.changes = changes

    # ------------------------------------------------------------- the page and its files
    async def index(self, _request: web.Request) -> web.Response:
        return _file(STATIC / "index.html")

    async def asset(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name not in ASSETS:
            raise web.HTTPNotFound()
        return _file(STATIC / name)

    async def cdn(self, request: web.Request) -> web.Response:
        """A file the bot or a person uploaded, as Discord's CDN serves it. Images show; any
        other file is downloaded, never opened by the page."""
        path = "/attachments/" + request.match_info["path"]
        data = self.playground.fake.files.get(path)
        if data is None:
            raise web.HTTPNotFound()
        kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
        image = kind in ("image/png", "image/jpeg", "image/gif", "image/webp")
        headers = {} if image else {"Content-Disposition": "attachment"}
        return web.Response(
            body=data, content_type=kind if image else "application/octet-stream", headers=headers
        )

    # ------------------------------------------------------------- what a person sees
    async def world(self, request: web.Request) -> web.Response:
        person = request.query.get("person", "")
        client = self.client
        people = [
            {"key": key, "id": str(user.id), "name": user.payload()["global_name"]}
            for key in cast.PEOPLE
            for user in [client.person(key)]
        ]
        channels = client.channels(person)
        for channel in channels:  # for the page's unread marks
            shown = client.messages(person, channel["id"])
            channel["latest"] = shown[-1]["id"] if shown else None
        return web.json_response(
            {
                "people": people,
                "channels": channels,
                "directory": client.directory(),
                "guild": client.world.guild.name,
                "now": self.playground.clock.now().isoformat(),
            }
        )

    async def messages(self, request: web.Request) -> web.Response:
        person = request.query.get("person", "")
        channel = request.query.get("channel", "")
        shown = [_local_urls(m) for m in self.client.messages(person, channel)]
        return web.json_response({"messages": shown})

    async def events(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(
            headers={"Content-Type": "text/event-stream", **SECURITY_HEADERS}
        )
        await response.prepare(request)
        event = self.changes.subscribe()
        try:
            await response.write(b"retry: 1000\ndata: hello\n\n")
            while not self.changes.closing:
                try:
                    await asyncio.wait_for(event.wait(), KEEP_ALIVE)
                except TimeoutError:
                    await response.write(b": still here\n\n")
                    continue
                await asyncio.sleep(SETTLE)
                event.clear()
                await response.write(b"data: changed\n\n")
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            self.changes.unsubscribe(event)
        return response

    # ------------------------------------------------------------- what a person does
    async def command(self, request: web.Request) -> web.Response:
        body, files = await _form(request)
        outcome = await self.client.command(
            _text(body, "person"),
            _text(body, "language"),
            _text(body, "channel"),
            _text(body, "command"),
            _options(body),
            {name: uploads[0] for name, uploads in files.items() if uploads},
        )
        return web.json_response(outcome.payload())

    async def autocomplete(self, request: web.Request) -> web.Response:
        body = await _json(request)
        choices = await self.client.autocomplete(
            _text(body, "person"),
            _text(body, "language"),
            _text(body, "channel"),
            _text(body, "command"),
            _options(body),
            _text(body, "focused"),
        )
        return web.json_response({"choices": choices})

    async def click(self, request: web.Request) -> web.Response:
        body = await _json(request)
        values = body.get("values")
        if values is not None and not isinstance(values, list):
            raise BadRequest("values must be a list")
        outcome = await self.client.click(
            _text(body, "person"),
            _text(body, "language"),
            _text(body, "message"),
            _text(body, "custom_id"),
            values,
        )
        return web.json_response(outcome.payload())

    async def submit(self, request: web.Request) -> web.Response:
        body, files = await _form(request)
        answers = body.get("answers") or {}
        if not isinstance(answers, dict):
            raise BadRequest("answers must be an object")
        outcome = await self.client.submit(
            _text(body, "person"), _text(body, "language"), _text(body, "token"), answers, files
        )
        return web.json_response(outcome.payload())

    async def next_day(self, _request: web.Request) -> web.Response:
        await self.playground.next_day()
        self.changes.heard()
        return web.json_response({"now": self.playground.clock.now().isoformat()})


def _file(path: Path) -> web.Response:
    kind = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml"}.get(
        path.suffix, "text/html"
    )
    return web.Response(body=path.read_bytes(), content_type=kind, charset="utf-8")


async def _json(request: web.Request) -> dict:
    try:
        body = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise BadRequest("not JSON") from None
    if not isinstance(body, dict):
        raise BadRequest("not an object")
    return body


async def _form(request: web.Request) -> tuple[dict, dict[str, list[Upload]]]:
    """A JSON body, or a multipart form: its ``payload`` field in JSON, and the files chosen,
    each under the name of the option or form field it was chosen for."""
    if request.content_type != "multipart/form-data":
        return await _json(request), {}
    body: Any = None
    files: dict[str, list[Upload]] = {}
    reader = await request.multipart()
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader) or part.name is None:
            continue
        if part.name == "payload":
            try:
                body = json.loads(await part.text())
            except json.JSONDecodeError:
                raise BadRequest("payload is not JSON") from None
        elif part.filename:
            data = await part.read()
            kind = part.headers.get("Content-Type", "application/octet-stream")
            upload = Upload(part.filename or "file", bytes(data), kind)
            files.setdefault(part.name, []).append(upload)
    if not isinstance(body, dict):
        raise BadRequest("no payload")
    return body, files


def _local_urls(message: dict) -> dict:
    """The stand-in's CDN addresses, as the page's own: the page loads nothing from elsewhere."""
    text = json.dumps(message)
    return json.loads(text.replace(CDN, "/cdn/"))

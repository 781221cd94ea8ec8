"""A small Discord: REST and gateway over TLS on 127.0.0.1, enough of both for the bot.

The stand-in the e2e tests run the unmodified bot against (tests/e2e/harness.py), and the one the
playground shows in a browser: one copy, in the installed package, so both see the same Discord.

It records every REST call, keeps the messages the bot posts, remembers the command set the bot
synced (and builds interactions from it, as Discord does), and can be told to fail calls.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import trustme
from aiohttp import WSMsgType, web
from aiohttp.abc import AbstractResolver, ResolveResult

from fake_discord.models import Guild, User, World, snowflake

DISCORD_HOSTS = ("discord.com", "gateway.discord.gg", "cdn.discordapp.com")
HEARTBEAT_MS = 41_250


@dataclass
class Call:
    """One REST request the bot made."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    files: dict[str, bytes] = field(default_factory=dict)
    status: int = 200

    def matches(self, method: str, pattern: str) -> bool:
        return self.method == method and re.fullmatch(pattern, self.path) is not None


@dataclass
class Failure:
    method: str
    pattern: str
    status: int
    body: dict
    times: int
    headers: dict[str, str] = field(default_factory=dict)
    drop: str | None = None  # "before" or "after" handling the call: the connection is cut


DROPPED = 0  # the status recorded for a call whose connection was cut


class Resolver(AbstractResolver):
    """Sends Discord's hosts to the fake and refuses every other host."""

    def __init__(self, port: int) -> None:
        self._port = port

    async def resolve(
        self, host: str, port: int = 0, family: int = socket.AF_INET
    ) -> list[ResolveResult]:
        if host not in DISCORD_HOSTS:
            raise OSError(f"the fake Discord refuses to resolve {host!r}")
        return [
            ResolveResult(
                hostname=host,
                host="127.0.0.1",
                port=self._port,
                family=socket.AF_INET,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
        ]

    async def close(self) -> None:
        return None


def json_response(
    data: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    # Exactly "application/json": discord.py does not parse a body whose type carries a charset.
    return web.Response(
        body=json.dumps(data).encode(),
        status=status,
        headers={"Content-Type": "application/json", **(headers or {})},
    )


def _stored_attachment(channel_id: int, sent: dict) -> dict:
    """An attachment as Discord returns it once stored (discord.py needs its size and url). A
    file uploaded with the message is already on the fake CDN: it keeps that address."""
    if "url" in sent:
        return {key: sent[key] for key in ("id", "filename", "size", "url", "proxy_url")}
    attachment_id = snowflake()
    url = f"https://cdn.discordapp.com/attachments/{channel_id}/{attachment_id}/{sent['filename']}"
    return {
        "id": str(attachment_id),
        "filename": sent["filename"],
        "size": sent.get("size", 0),
        "url": url,
        "proxy_url": url,
    }


# Discord's limits on a modal (a type 9 callback), refused with 50035 Invalid Form Body.
MODAL_COMPONENTS = 5
MODAL_LIMITS = {"title": 45, "label": 45, "description": 100, "placeholder": 100}
OPTION_LIMIT = 100  # an option's label, description and value


def modal_problems(data: dict) -> list[str]:
    """What Discord would refuse in a modal: too many components, texts over their limits."""
    problems = []
    if len(data.get("title") or "") > MODAL_LIMITS["title"]:
        problems.append("title")
    components = data.get("components") or []
    if len(components) > MODAL_COMPONENTS:
        problems.append("components")

    def walk(item: dict, path: str) -> None:
        for key, limit in MODAL_LIMITS.items():
            if key != "title" and len(item.get(key) or "") > limit:
                problems.append(f"{path}.{key}")
        for number, option in enumerate(item.get("options") or []):
            for key in ("label", "description", "value"):
                if len(option.get(key) or "") > OPTION_LIMIT:
                    problems.append(f"{path}.options.{number}.{key}")
        for number, child in enumerate(item.get("components") or []):
            walk(child, f"{path}.components.{number}")
        if isinstance(item.get("component"), dict):
            walk(item["component"], f"{path}.component")

    for number, component in enumerate(components):
        walk(component, f"components.{number}")
    return problems


class FakeDiscord:
    """``now``: the time Discord stamps on messages (default: the real time); the playground
    passes the bot's clock, so that a day moved forward shows on the messages too."""

    def __init__(
        self, world: World | None = None, *, now: Callable[[], datetime] | None = None
    ) -> None:
        self.world = world or World.association()
        self._now = now or (lambda: datetime.now(UTC))
        self.application_id = self.world.bot_user.id
        self.calls: list[Call] = []
        self.failures: list[Failure] = []
        self.messages: dict[int, dict] = {}  # message id -> message payload
        self.commands: dict[str, dict] = {}  # synced command name -> definition
        # what GET .../commands lists: per scope (None: global, else a guild id), name -> command
        self.scoped_commands: dict[int | None, dict[str, dict]] = {}
        self.command_syncs: list[tuple[int | None, list[dict]]] = []
        self.identifies = 0
        self.resumes = 0
        self.interactions: dict[str, dict] = {}  # token -> the interaction sent with it
        self.dm_channels: dict[int, User] = {}  # DM channel id -> its user
        self.files: dict[str, bytes] = {}  # CDN path -> bytes of an attachment users "uploaded"
        self.listeners: list[Callable[[Call], None]] = []  # told of every call as it is handled
        self.member_requests: list[dict] = []  # Request Guild Members (op 8) the bot sent
        self._changed = asyncio.Condition()
        self._ws: web.WebSocketResponse | None = None
        self._seq = itertools.count(1)
        self._session: list[dict] = []  # every dispatch of the current session, for RESUME
        self._runner: web.AppRunner | None = None
        self.port = 0

    # ----------------------------------------------------------------- life cycle
    async def start(self) -> None:
        ca = trustme.CA()
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert(*DISCORD_HOSTS).configure_cert(context)
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("GET", "/", self._gateway)
        app.router.add_route("GET", "/attachments/{path:.*}", self._cdn)
        app.router.add_route("*", "/api/v{version:\\d+}/{path:.*}", self._rest)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0, ssl_context=context)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        if self._ws is not None:
            await self._ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    def resolver(self) -> Resolver:
        return Resolver(self.port)

    # ----------------------------------------------------------------- gateway
    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json(
            {"op": 10, "d": {"heartbeat_interval": HEARTBEAT_MS}, "s": None, "t": None}
        )
        async for message in ws:
            if message.type is not WSMsgType.TEXT:
                continue
            frame = json.loads(message.data)
            if frame["op"] == 1:
                await ws.send_json({"op": 11, "d": None, "s": None, "t": None})
            elif frame["op"] == 2:
                self.identifies += 1
                self._session = []  # a new session: what the old one missed is gone
                self._ws = ws
                await self._send_ready(ws)
            elif frame["op"] == 8:
                await self._members_chunk(ws, frame["d"])
            elif frame["op"] == 6:
                self.resumes += 1
                # Discord replays what the session missed while it was away, then RESUMED. Events
                # dispatched during the replay are replayed too; only then is the connection live.
                seq = frame["d"]["seq"] or 0
                while missed := [f for f in self._session if f["s"] > seq]:
                    for f in missed:
                        await ws.send_json(f)
                        seq = f["s"]
                self._ws = ws
                await self._dispatch(ws, "RESUMED", {})
        if self._ws is ws:
            self._ws = None
        return ws

    async def _members_chunk(self, ws: web.WebSocketResponse, request: dict) -> None:
        """Request Guild Members (op 8): the members whose username, global name or server
        nickname starts with the query (as Discord matches it), in one GUILD_MEMBERS_CHUNK. A
        prefix query needs no privileged intent; the whole list (an empty query) would."""
        self.member_requests.append(request)
        guild = self.world.guild
        query = (request.get("query") or "").casefold()
        limit = request.get("limit") or 100
        if not query and not request.get("user_ids"):
            await ws.close(code=4013, message=b"Disallowed intent(s).")
            return
        wanted = {int(i) for i in request.get("user_ids") or []}
        found = [
            m
            for m in guild.members
            if (wanted and m.user.id in wanted)
            or (
                query
                and any(
                    (name or "").casefold().startswith(query)
                    for name in (m.user.name, m.user.name.title(), m.nick)
                )
            )
        ][:limit]
        chunk = {
            "guild_id": str(guild.id),
            "members": [m.payload() for m in found],
            "chunk_index": 0,
            "chunk_count": 1,
        }
        if request.get("nonce"):
            chunk["nonce"] = request["nonce"]
        await self._dispatch(ws, "GUILD_MEMBERS_CHUNK", chunk)

    async def _send_ready(self, ws: web.WebSocketResponse) -> None:
        guilds = self.world.guilds
        await self._dispatch(
            ws,
            "READY",
            {
                "v": 10,
                "user": {
                    **self.world.bot_user.payload(),
                    "verified": True,
                    "mfa_enabled": False,
                    "flags": 0,
                },
                "guilds": [{"id": str(guild.id), "unavailable": True} for guild in guilds],
                "session_id": "fake-session",
                "resume_gateway_url": "wss://gateway.discord.gg",
                "private_channels": [],
                "relationships": [],
                "application": {"id": str(self.application_id), "flags": 0},
            },
        )
        for guild in guilds:  # one GUILD_CREATE each, as Discord sends them after READY
            await self._dispatch(ws, "GUILD_CREATE", guild.payload())

    async def _dispatch(self, ws: web.WebSocketResponse | None, event: str, data: dict) -> None:
        frame = {"op": 0, "t": event, "s": next(self._seq), "d": data}
        self._session.append(frame)
        if ws is not None and not ws.closed:
            with contextlib.suppress(ConnectionError):
                await ws.send_json(frame)

    async def dispatch(self, event: str, data: dict) -> None:
        """Send a gateway event to the bot. While its connection is down the event waits for it
        to resume, as on Discord; before any bot has connected there is no one to send it to."""
        if self._ws is None and not self.identifies:
            raise RuntimeError("no bot is connected to the fake gateway")
        await self._dispatch(self._ws, event, data)

    async def drop_gateway(self) -> None:
        """Close the bot's gateway connection as Discord does now and then."""
        if self._ws is not None:
            await self._ws.close(code=4000)

    async def _cdn(self, request: web.Request) -> web.Response:
        data = self.files.get(request.path)
        if data is None:
            return web.Response(status=404)
        return web.Response(body=data, content_type="application/octet-stream")

    # ----------------------------------------------------------------- REST
    def fail(
        self,
        method: str,
        pattern: str,
        status: int,
        *,
        times: int = 1,
        body: dict | None = None,
        retry_after: float | None = None,
    ) -> None:
        """Make the next ``times`` calls matching ``method`` and ``pattern`` answer ``status``."""
        headers: dict[str, str] = {}
        if status == 429:
            body = body or {
                "message": "You are being rate limited.",
                "global": False,
                "retry_after": retry_after if retry_after is not None else 0.05,
            }
            headers = {"Retry-After": str(body["retry_after"]), "X-RateLimit-Scope": "user"}
        self.failures.append(
            Failure(
                method,
                pattern,
                status,
                body or {"message": "fake failure", "code": 0},
                times,
                headers,
            )
        )

    def drop(self, method: str, pattern: str, *, after: bool = False, times: int = 1) -> None:
        """Cut the connection of the next ``times`` matching calls, before handling them or
        (``after``) once handled, so the bot never hears that its message was created."""
        self.failures.append(
            Failure(method, pattern, DROPPED, {}, times, drop="after" if after else "before")
        )

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["path"]
        body: Any = None
        files: dict[str, bytes] = {}
        if request.content_type == "multipart/form-data":
            form = await request.post()
            for name, value in form.items():
                if name == "payload_json":
                    body = json.loads(value)  # type: ignore[arg-type]
                elif hasattr(value, "file"):
                    files[value.filename] = value.file.read()  # type: ignore[union-attr]
            self._store_attachments(body, files)
        elif request.can_read_body:
            raw = await request.read()
            body = json.loads(raw) if raw else None
        call = Call(request.method, path, dict(request.query), body, files)
        failure = self._injected_failure(call)
        if failure is None or failure.drop == "after":
            response = self._route(call)
        else:
            response = json_response(failure.body, failure.status, failure.headers)
        call.status = DROPPED if failure is not None and failure.drop else response.status
        self.calls.append(call)
        for listener in self.listeners:
            listener(call)
        async with self._changed:
            self._changed.notify_all()
        if call.status == DROPPED:
            assert request.transport is not None
            request.transport.abort()
        return response

    def _store_attachments(self, body: Any, files: dict[str, bytes]) -> None:
        """Keep uploaded files on the fake CDN and describe them as Discord does (id, size,
        url), in the message or in an interaction callback's ``data``."""
        if not isinstance(body, dict):
            return
        message = body.get("data") if isinstance(body.get("data"), dict) else body
        for attachment in message.get("attachments") or []:
            data = files.get(attachment.get("filename", ""))
            if data is None:
                continue
            attachment_id = snowflake()
            path = f"/attachments/{attachment_id}/{attachment['filename']}"
            self.files[path] = data
            attachment.update(
                id=str(attachment_id),
                size=len(data),
                url=f"https://cdn.discordapp.com{path}",
                proxy_url=f"https://cdn.discordapp.com{path}",
            )

    def _injected_failure(self, call: Call) -> Failure | None:
        for failure in self.failures:
            if failure.times > 0 and call.matches(failure.method, failure.pattern):
                failure.times -= 1
                return failure
        return None

    def _route(self, call: Call) -> web.Response:
        m, p = call.method, call.path
        world = self.world
        if m == "GET" and p == "/users/@me":
            return json_response({**world.bot_user.payload(), "verified": True, "flags": 0})
        if m == "GET" and p == "/oauth2/applications/@me":
            return json_response(
                {
                    "id": str(self.application_id),
                    "name": "kifa-bot",
                    "icon": None,
                    "description": "",
                    "bot_public": False,
                    "bot_require_code_grant": False,
                    "owner": world.guild.owner.payload(),
                    "verify_key": "00",
                    "flags": 0,
                    "summary": "",
                    "team": None,
                    "rpc_origins": [],
                }
            )
        if match := re.fullmatch(r"/applications/\d+(?:/guilds/(\d+))?/commands", p):
            scope = int(match.group(1)) if match.group(1) else None
            if m == "PUT":
                return self._sync_commands(scope, call.body)
            if m == "GET":
                return json_response(list(self.scoped_commands.get(scope, {}).values()))
        if m == "POST" and (match := re.fullmatch(r"/interactions/(\d+)/([^/]+)/callback", p)):
            return self._interaction_callback(match.group(2), call.body)
        if match := re.fullmatch(r"/webhooks/\d+/([^/]+)(?:/messages/([^/]+))?", p):
            return self._webhook(m, match.group(1), match.group(2), call.body)
        if match := re.fullmatch(r"/channels/(\d+)/messages(?:/(\d+))?", p):
            return self._channel_message(m, int(match.group(1)), match.group(2), call.body)
        if m == "POST" and p == "/users/@me/channels":
            return self._open_dm(int(call.body["recipient_id"]))
        if match := re.fullmatch(r"/guilds/(\d+)(?:/.*)?", p):
            guild = world.find_guild(int(match.group(1)))
            if guild is None:
                return json_response({"message": "Unknown Guild", "code": 10004}, 404)
            if match := re.fullmatch(r"/guilds/\d+/members/(\d+)/roles/(\d+)", p):
                return self._member_role(guild, m, int(match.group(1)), int(match.group(2)))
            if m == "GET" and (match := re.fullmatch(r"/guilds/\d+/members/(\d+)", p)):
                member = guild.find_member(int(match.group(1)))
                if member is None:
                    return json_response({"message": "Unknown Member", "code": 10007}, 404)
                return json_response(member.payload())
        return json_response({"message": f"the fake has no route for {m} {p}", "code": 0}, 404)

    def _member_role(self, guild: Guild, method: str, user_id: int, role_id: int) -> web.Response:
        member = guild.find_member(user_id)
        role = next((r for r in guild.roles if r.id == role_id), None)
        if member is None:
            return json_response({"message": "Unknown Member", "code": 10007}, 404)
        if role is None:
            return json_response({"message": "Unknown Role", "code": 10011}, 404)
        bot_member = guild.member(self.world.bot_user)
        top = max(r.position for r in bot_member.roles)
        if not guild.permissions(bot_member).manage_roles or role.position >= top:
            return json_response({"message": "Missing Permissions", "code": 50013}, 403)
        if method == "PUT" and role not in member.roles:
            member.roles.append(role)
        elif method == "DELETE" and role in member.roles:
            member.roles.remove(role)
        return web.Response(status=204)

    def _sync_commands(self, guild_id: int | None, payload: list[dict]) -> web.Response:
        """Bulk overwrite, as Discord does it: a command keeps its id while its name stays."""
        self.command_syncs.append((guild_id, payload))
        before = self.scoped_commands.get(guild_id, {})
        scope: dict[str, dict] = {}
        for command in payload:
            kept = before.get(command["name"])
            stored = {
                **command,
                "id": kept["id"] if kept else str(snowflake()),
                "application_id": str(self.application_id),
                "version": str(snowflake()),
            }
            if guild_id:
                stored["guild_id"] = str(guild_id)
            self.commands[command["name"]] = stored
            scope[command["name"]] = stored
        self.scoped_commands[guild_id] = scope
        return json_response(list(scope.values()))

    # Interaction replies, kept by token so a test can read everything said to one interaction.
    def _new_message(self, channel_id: int, body: dict | None, **extra: Any) -> dict:
        body = body or {}
        message = {
            "id": str(snowflake()),
            "channel_id": str(channel_id),
            "type": 0,
            "author": self.world.bot_user.payload(),
            "content": body.get("content") or "",
            "embeds": body.get("embeds") or [],
            "components": body.get("components") or [],
            "attachments": [
                _stored_attachment(channel_id, a) for a in body.get("attachments") or []
            ],
            "flags": body.get("flags") or 0,
            "allowed_mentions": body.get("allowed_mentions"),
            "timestamp": self._now().isoformat(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "pinned": False,
            **extra,
        }
        self.messages[int(message["id"])] = message
        return message

    def _interaction_callback(self, token: str, body: dict) -> web.Response:
        kind = body["type"]
        interaction = self.interactions[token]
        if kind == 9 and (problems := modal_problems(body.get("data") or {})):
            return json_response(
                {"message": "Invalid Form Body", "code": 50035, "errors": problems}, 400
            )
        reply: dict[str, Any] = {"type": kind}
        if kind in (4, 5, 7):  # message, deferred message, update message
            data = body.get("data") or {}
            if kind == 7:
                message = self.messages[int(interaction["message"]["id"])]
                self._edit(message, data)
            else:
                message = self._new_message(
                    int(interaction["channel_id"]), data, interaction_token=token
                )
                if kind == 5:
                    message["deferred"] = True
            reply["message"] = message
        return json_response(
            {
                "interaction": {
                    "id": interaction["id"],
                    "type": interaction["type"],
                    "response_message_id": reply.get("message", {}).get("id"),
                    "response_message_loading": kind == 5,
                    "response_message_ephemeral": bool(
                        (body.get("data") or {}).get("flags", 0) & 64
                    ),
                },
                "resource": reply,
            }
        )

    def _edit(self, message: dict, body: dict | None) -> None:
        for key in ("content", "embeds", "components", "attachments", "flags", "allowed_mentions"):
            if body and key in body:
                message[key] = body[key]
        if message["content"] is None:  # an edit that removes the text leaves it empty
            message["content"] = ""
        message["edited_timestamp"] = self._now().isoformat()
        message.pop("deferred", None)

    def _webhook(self, method: str, token: str, message_id: str | None, body: dict) -> web.Response:
        interaction = self.interactions.get(token)
        if interaction is None:
            return json_response({"message": "Unknown Webhook", "code": 10015}, 404)
        if method == "POST" and message_id is None:
            return json_response(
                self._new_message(
                    int(interaction["channel_id"]), body, interaction_token=token, followup=True
                )
            )
        original = [
            msg
            for msg in self.messages.values()
            if msg.get("interaction_token") == token and not msg.get("followup")
        ]
        if not original and "message" in interaction:
            # A component interaction's original response is the message the component is on.
            original = [m for m in [self.messages.get(int(interaction["message"]["id"]))] if m]
        target = (
            original[0]
            if message_id == "@original" and original
            else self.messages.get(int(message_id) if message_id and message_id.isdigit() else 0)
        )
        if target is None:
            return json_response({"message": "Unknown Message", "code": 10008}, 404)
        if method == "PATCH":
            self._edit(target, body)
        elif method == "DELETE":
            self.messages.pop(int(target["id"]))
            return web.Response(status=204)
        return json_response(target)

    def _channel_message(
        self, method: str, channel_id: int, message_id: str | None, body: dict
    ) -> web.Response:
        if method == "POST" and message_id is None:
            dm_user = self.dm_channels.get(channel_id)
            if dm_user is not None and not dm_user.dm_open:
                return json_response(
                    {"message": "Cannot send messages to this user", "code": 50007}, 403
                )
            if body.get("enforce_nonce") and body.get("nonce"):
                # Discord: a nonce seen lately from the same author returns that message.
                for message in self.messages.values():
                    if message.get("nonce") == body["nonce"] and message["channel_id"] == str(
                        channel_id
                    ):
                        return json_response(message)
            return json_response(self._new_message(channel_id, body, nonce=body.get("nonce")))
        message = self.messages.get(int(message_id or 0))
        if message is None or int(message["channel_id"]) != channel_id:
            return json_response({"message": "Unknown Message", "code": 10008}, 404)
        if method == "PATCH":
            self._edit(message, body)
        return json_response(message)

    def delete_message(self, message_id: int | str) -> None:
        """Someone deleted a message in Discord's client (a moderator tidying a channel): from
        now on Discord answers 10008 Unknown Message about it."""
        self.messages.pop(int(message_id))

    def dm_channel(self, user: User) -> int:
        """The id of the direct-message channel between ``user`` and the bot, opened if need be
        (as Discord opens it when either side first writes)."""
        channel_id = next((cid for cid, u in self.dm_channels.items() if u.id == user.id), None)
        if channel_id is None:
            channel_id = snowflake()
            self.dm_channels[channel_id] = user
        return channel_id

    def _open_dm(self, user_id: int) -> web.Response:
        user = next(m.user for g in self.world.guilds for m in g.members if m.user.id == user_id)
        channel_id = self.dm_channel(user)
        return json_response(
            {
                "id": str(channel_id),
                "type": 1,
                "recipients": [user.payload()],
                "last_message_id": None,
                "flags": 0,
            }
        )

    # ----------------------------------------------------------------- waiting
    async def wait_for_call(self, predicate: Callable[[Call], bool], timeout: float = 5.0) -> Call:
        async def first() -> Call:
            async with self._changed:
                while True:
                    for call in self.calls:
                        if predicate(call):
                            return call
                    await self._changed.wait()

        return await asyncio.wait_for(first(), timeout)

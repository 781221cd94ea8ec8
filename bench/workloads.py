"""What the benchmark asks of the bot: one class per workload, each a unit of work a member or
the staff would do. ``unit`` is called by worker ``worker`` (one bench user each) for the
``n``-th time and returns the latency of every interaction it made."""

from __future__ import annotations

import asyncio
import random
import re
from collections.abc import Sequence
from datetime import date, timedelta

from bench.driver import Driver
from bench.synthetic import BODY  # 400 characters: inside the default range
from fake_discord.interactions import command_data, component_data, envelope, modal_data
from fake_discord.models import Guild, User, World
from fake_discord.server import Call

CITIES = ("pontiac", "xuhui", "kanonji", "kusatsu-town", "date", "michigan")
# One of each kind: a field, a fact in Japanese, a refusal, a romanised name, a computed set,
# a program rule. (Whether a city's subsidy is open reads the ledger like /subsidy check.)
QUESTIONS = (
    "When did Kusatsu and Pontiac become sister cities?",
    "草津市と上海市徐匯区はいつ友好都市になりましたか",
    "How far is Kanonji from Kusatsu?",
    "観音寺市との関係は？",
    "kannonji famous for what?",
    "Which of our partners are overseas?",
    "How much is the travel subsidy?",
)


class TripDays:
    """Hands out trips that overlap no other: each user's n-th trip (whatever workload logs it)
    is one day long, on the day and to the city that ``n`` names. Shared by every workload that
    logs trips on one database, so that none of them is refused for an overlap."""

    def __init__(self, first_day: date) -> None:
        self.first_day = first_day
        self._logged: dict[int, int] = {}

    def options(self, user: User, cities: Sequence[str]) -> dict:
        n = self._logged.get(user.id, 0)
        self._logged[user.id] = n + 1
        day = self.first_day + timedelta(days=n // len(cities))
        return {"city": cities[n % len(cities)], "start": day.isoformat()}


class Workload:
    name = ""

    def __init__(self, world: World, users: list[User]) -> None:
        self.world = world
        self.users = users

    def user(self, worker: int) -> User:
        return self.users[worker % len(self.users)]

    async def unit(self, driver: Driver, worker: int, n: int) -> list[float]:
        raise NotImplementedError

    async def settle(self, driver: Driver) -> None:
        """Wait for work the bot does after answering (the cycle's announcements)."""


class Command(Workload):
    """One slash command, with options that vary by ``n``."""

    path = ""

    def options(self, worker: int, n: int) -> dict:
        return {}

    async def unit(self, driver: Driver, worker: int, n: int) -> list[float]:
        data = command_data(driver.fake, self.path, self.options(worker, n))
        answer = await driver.interact(envelope(driver.fake, 2, self.user(worker), data))
        return [answer.latency]


class Help(Command):
    name, path = "help (baseline)", "help"


class CityAsk(Command):
    name, path = "/city ask", "city ask"

    def options(self, worker: int, n: int) -> dict:
        return {"question": QUESTIONS[n % len(QUESTIONS)]}


class SubsidyCheck(Command):
    name, path = "/subsidy check", "subsidy check"

    def options(self, worker: int, n: int) -> dict:
        return {"city": CITIES[n % len(CITIES)]}


class TripLog(Command):
    """One-day trips, a new day (and city) each time, so that every one is logged."""

    name, path = "/trip log", "trip log"

    def __init__(self, world: World, users: list[User], days: TripDays) -> None:
        super().__init__(world, users)
        self.days = days

    def options(self, worker: int, n: int) -> dict:
        return self.days.options(self.user(worker), CITIES)


class Mixed(Workload):
    """What a server's members do all day, spread over ``guilds``: /help, /city ask, /subsidy
    check and /trip log in turn, each interaction in a server picked at random (seeded), whose
    own cities it names. On one server it is the reference for the same mix over hundreds."""

    name = "mixed"
    KINDS = ("help", "city ask", "subsidy check", "trip log")

    def __init__(
        self,
        world: World,
        users: list[User],
        guilds: Sequence[Guild],
        cities: dict[int, Sequence[str]],
        days: TripDays,
        *,
        sweep: bool = False,
    ) -> None:
        super().__init__(world, users)
        self.guilds = guilds
        self.cities = cities
        self.days = days
        self.sweep = sweep
        self.rng = random.Random(20)

    async def unit(self, driver: Driver, worker: int, n: int) -> list[float]:
        """With ``sweep``, every kind in one server, then the next (to warm every server up)."""
        if self.sweep:
            guild = self.guilds[(n // len(self.KINDS)) % len(self.guilds)]
        else:
            guild = self.guilds[self.rng.randrange(len(self.guilds))]
        user, cities = self.user(worker), self.cities[guild.id]
        path = self.KINDS[n % len(self.KINDS)]
        if path == "city ask":
            options: dict = {"question": QUESTIONS[n % len(QUESTIONS)]}
        elif path == "subsidy check":
            options = {"city": cities[n % len(cities)]}
        elif path == "trip log":
            options = self.days.options(user, cities)
        else:
            options = {}
        data = command_data(driver.fake, path, options)
        answer = await driver.interact(envelope(driver.fake, 2, user, data, guild=guild))
        return [answer.latency]


class Cycle(Workload):
    """/report submit (the modal), the modal's submission, the review post, the approval, and
    the announcement: a report's whole life. Trips come from /trip log's run before it."""

    name = "report cycle"

    def __init__(self, world: World, users: list[User], trips: dict[int, list[int]]) -> None:
        super().__init__(world, users)
        self.trips = trips  # user id -> finished trips without a report
        self.posts: dict[str, asyncio.Future[dict]] = {}
        self.announced = 0
        self.started = 0
        self._caught_up = asyncio.Event()

    def watch(self, driver: Driver) -> None:
        moderation = str(self.world.guild.channel("moderation").id)
        announcements = str(self.world.guild.channel("announcements").id)
        messages = driver.fake.messages

        def heard(call: Call) -> None:
            if call.method != "POST" or call.status >= 300:
                return
            if call.path == f"/channels/{announcements}/messages":
                self.announced += 1
                if self.announced >= self.started:
                    self._caught_up.set()
            elif call.path == f"/channels/{moderation}/messages":
                match = re.search(r"report:(\d+):approve", str(call.body.get("components")))
                if match is None:
                    return
                future = self.post(match.group(1))
                # Done already: the bot posting a decided report's message again, because the
                # driver forgot the first one between two cells and the edit was answered 10008.
                if not future.done():
                    future.set_result(next(reversed(messages.values())))

        self._listener = heard
        driver.fake.listeners.append(heard)

    def unwatch(self, driver: Driver) -> None:
        driver.fake.listeners.remove(self._listener)

    def post(self, report: str) -> asyncio.Future[dict]:
        if report not in self.posts:
            self.posts[report] = asyncio.get_running_loop().create_future()
        return self.posts[report]

    async def unit(self, driver: Driver, worker: int, n: int) -> list[float]:
        fake, user, staff = driver.fake, self.user(worker), self.world.staff
        trip = self.trips[user.id].pop()
        self.started += 1
        data = command_data(fake, "report submit", {"trip": str(trip)})
        opened = await driver.interact(envelope(fake, 2, user, data))
        form = opened.body["data"]
        data = modal_data(form["custom_id"], {"title": "", "body": BODY})
        sent = await driver.interact(envelope(fake, 5, user, data))
        report = re.search(r"#(\d+)", sent.body["data"]["content"]).group(1)  # type: ignore[union-attr]
        post = await asyncio.wait_for(self.post(report), 15)
        moderation = self.world.guild.channel("moderation")
        click = envelope(
            fake, 3, staff, component_data(f"report:{report}:approve"), channel=moderation
        )
        click["message"] = post
        approved = await driver.interact(click)
        return [opened.latency, sent.latency, approved.latency]

    async def settle(self, driver: Driver) -> None:
        if self.announced < self.started:
            self._caught_up.clear()
            await asyncio.wait_for(self._caught_up.wait(), 60)

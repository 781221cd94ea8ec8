"""Drives the playground's page the way a person does: through what is on the screen.

Shared by the browser tests and by the script that takes the README's screenshots."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from playwright.async_api import Browser, Page, async_playwright

from playground.session import Playground

WAIT_MS = 10_000


def chromium_path() -> str | None:
    """Debian's chromium (CI installs it): playwright is never let download a browser."""
    return (
        os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )


@asynccontextmanager
async def browser() -> AsyncIterator[Browser]:
    path = chromium_path()
    if path is None:
        raise RuntimeError("chromium is not installed (apt-get install -y chromium)")
    async with async_playwright() as driver:
        launched = await driver.chromium.launch(executable_path=path, args=["--no-sandbox"])
        try:
            yield launched
        finally:
            await launched.close()


@asynccontextmanager
async def playground_page(
    width: int = 1280, height: int = 860
) -> AsyncIterator[tuple[Playground, Page]]:
    """A fresh playground, and a page open on it that has loaded the channels."""
    playground = Playground(None, 0)
    await playground.start()
    try:
        async with browser() as opened:
            context = await opened.new_context(viewport={"width": width, "height": height})
            page = await context.new_page()
            page.set_default_timeout(WAIT_MS)
            problems: list[str] = []
            page.on("pageerror", lambda error: problems.append(str(error)))
            page.on("requestfailed", lambda request: problems.append(f"failed: {request.url}"))
            await page.goto(playground.address)
            await page.locator(".channel").first.wait_for()
            yield playground, page
            assert problems == [], problems
    finally:
        await playground.stop()


class Person:
    """A person at the page: who they are, their Discord language, where they are."""

    def __init__(self, page: Page) -> None:
        self.page = page

    async def become(self, person: str, language: str = "en") -> None:
        page = self.page
        await page.select_option("#language", language)
        await page.select_option("#person", person)
        await page.wait_for_function(
            "([p, l]) => document.documentElement.lang === l && "
            "document.querySelector('#person').value === p",
            arg=[person, language],
        )

    async def open(self, channel: str) -> None:
        await self.page.locator(f'.channel[data-channel="{channel}"]').click()
        await self.page.locator(f'.channel.current[data-channel="{channel}"]').wait_for()

    async def command(self, typed: str, options: dict[str, str | tuple[str, str]]) -> None:
        """Type ``/typed``, choose the command, fill ``options`` (a text, or (typed, choice) for
        an option the bot completes: type, then pick the choice containing the second text),
        and send it."""
        page = self.page
        await page.locator("#message-box").fill(typed)
        await page.locator("#popup .choice").first.wait_for()
        await page.keyboard.press("Enter")
        await page.locator("#command-chip").wait_for()
        for name, value in options.items():
            field = page.locator(f'[data-option="{name}"]')
            if not await field.count():
                await page.locator("#more-options button", has_text=name).click()
            box = field.locator("input, select").first
            if isinstance(value, tuple):
                typed_text, choice = value
                await box.fill(typed_text)
                await page.locator("#popup .choice", has_text=choice).first.click()
            elif await box.evaluate("node => node.tagName") == "SELECT":
                await box.select_option(label=value)
            else:
                await box.fill(value)
        await page.locator("#send").click()
        await page.locator("#command-chip").wait_for(state="hidden")

    async def fill_form(
        self, fields: dict[str, str], files: dict[str, list[str]] | None = None
    ) -> None:
        """Fill the open form (by its fields' custom ids) and send it."""
        page = self.page
        form = page.locator("#modal")
        await form.wait_for()
        for custom_id, value in fields.items():
            await form.locator(
                f'[data-field="{custom_id}"] textarea, [data-field="{custom_id}"] input'
            ).first.fill(value)
        for custom_id, paths in (files or {}).items():
            chooser = form.locator(f'[data-field="{custom_id}"] input[type=file]')
            await chooser.set_input_files(paths)

    async def send_form(self) -> None:
        await self.page.locator("#modal-submit").click()
        await self.page.locator("#modal-backdrop").wait_for(state="hidden")

    def message(self, containing: str):
        return self.page.locator("#messages .message", has_text=containing)

    async def press(self, message_text: str, button: str) -> None:
        message = self.message(message_text).last
        await message.locator("button.button", has_text=button).first.click()

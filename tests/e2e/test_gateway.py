"""The gateway connection dropped in the middle of a burst of commands, as Discord does now and
then: the bot resumes its session and answers every command, the missed ones included."""

from __future__ import annotations

import asyncio

from tests.e2e.harness import Harness, Interaction

BURST = 24


async def test_a_dropped_connection_mid_burst_is_resumed_and_every_command_answered(
    harness: Harness,
):
    world, fake = harness.world, harness.fake
    await harness.configure()
    await harness.register(world.member)
    sent: list[Interaction] = []
    for n in range(BURST):
        if n == BURST // 3:
            await fake.drop_gateway()
        question = "When did Kusatsu and Pontiac become sister cities?"
        sent.append(await harness.command("city ask", user=world.member, question=question))
        await asyncio.sleep(0.005)
    replies = [await interaction.reply(timeout=20) for interaction in sent]
    assert all("Pontiac" in reply.text for reply in replies)
    assert fake.resumes == 1 and fake.identifies == 1  # resumed, not a new session
    callbacks = [c for c in fake.calls if c.path.endswith("/callback")]
    assert len({c.path for c in callbacks}) == len(callbacks)  # nothing answered twice

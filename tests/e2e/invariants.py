"""What must hold of everything the bot sent, whatever a test made it do."""

from __future__ import annotations

from tests.e2e.harness import Harness


def assert_nothing_pings(harness: Harness) -> None:
    """Every message the bot sent allows no mention but, on review posts, the staff role."""
    staff_role = harness.world.guild.role("Staff").id
    for call in harness.fake.calls:
        body = call.body if isinstance(call.body, dict) else {}
        message = body.get("data") if "type" in body else body
        if not isinstance(message, dict) or not ("content" in message or "embeds" in message):
            continue
        allowed = message.get("allowed_mentions")
        assert allowed is not None, f"{call.method} {call.path} may ping"
        assert allowed.get("parse") == [] and allowed.get("roles", []) in ([], [staff_role])
        assert not allowed.get("users") and not allowed.get("replied_user")

"""Approve without subsidy: the report is published like any approved one, its author reads the
reason, and the subsidy passes to the next approved report in line."""

from __future__ import annotations

from tests.e2e.harness import Harness
from tests.e2e.reporting import announcements, dms_to, review_post
from tests.e2e.test_subsidy import approve, two_reports

REASON = "The association already paid for this exchange trip."


async def test_approve_without_subsidy_hands_the_subsidy_to_the_next_report(harness: Harness):
    world = harness.world
    first, second = await two_reports(harness)
    year = harness.clock.today().year - 1
    await approve(harness, second)  # waits behind the earlier report
    assert harness.query("SELECT count(*) FROM grants") == [(0,)]

    post = await review_post(harness, first)
    buttons = [c["label"] for row in post.data["components"] for c in row["components"]]
    assert buttons == ["Approve", "Approve without subsidy", "Request changes", "Reject"]
    click = await harness.click(post, f"report:{first}:nosubsidy", user=world.staff)
    modal = await click.modal()
    assert modal["custom_id"] == f"report:reason:{first}:nosubsidy"
    sent = await harness.submit_modal(modal, {"reason": REASON}, user=world.staff)
    answer = await sent.reply()
    assert answer.content.startswith(f"Report #{first} approved without the subsidy.")
    await harness.outbox_settled()

    # Published like any approved report: announced, the review post shows the decision.
    assert len(announcements(harness)) == 2
    edited = await review_post(harness, first)
    assert "approved without subsidy by" in edited.text and REASON in edited.text
    assert all(c.get("disabled") for row in edited.data["components"] for c in row["components"])
    # The member is told, with the reason.
    told = [m["content"] for m in dms_to(harness, world.member)]
    assert any("does not receive the travel subsidy" in m and REASON in m for m in told), told
    # The next approved report in line receives the subsidy, and its author is told.
    assert harness.query("SELECT report_id, user_id, state FROM grants") == [
        (int(second), world.member2.id, "granted")
    ]
    assert any(
        "travel subsidy" in m["content"] and "¥3,000" in m["content"]
        for m in dms_to(harness, world.member2)
    )
    # The audit log keeps the decision and its reason.
    [(detail,)] = harness.query(
        "SELECT detail FROM audit_log WHERE action = 'report.approved_no_subsidy'"
    )
    assert REASON in detail

    # The member sees the state and the reason wherever their trip's subsidy is shown.
    mine = await harness.ask("subsidy mine", user=world.member)
    assert f"approved without the subsidy: {REASON}" in mine.content
    check = await harness.ask("subsidy check", user=world.member, city="pontiac", year=year)
    assert f"granted to <@{world.member2.id}> (report #{second})" in check.content
    waived = "Approved without the subsidy this year, and so not taking part in it: 1 report."
    assert waived in check.content
    assert f"Your report #{first} was approved without the subsidy. Reason: {REASON}" in (
        check.content
    )
    other = await harness.ask("subsidy check", user=world.guest, city="pontiac", year=year)
    assert REASON not in other.content  # the reason is for its member and the staff
    trips = await harness.ask("trip list", user=world.member)
    assert "report approved without subsidy" in trips.text and REASON in trips.text
    status = await harness.ask("report status", user=world.member, locale="ja")
    assert "承認済み（助成なし）" in status.text and REASON in status.text


async def test_a_reason_is_needed_and_a_decided_report_is_decided_once(harness: Harness):
    world = harness.world
    first, _ = await two_reports(harness)
    post = await review_post(harness, first)
    await approve(harness, first)
    again = await harness.click(post, f"report:{first}:nosubsidy", user=world.staff)
    reply = await again.reply()
    assert "already approved by" in reply.content
    assert harness.query("SELECT state, without_subsidy FROM reports WHERE id = ?", (first,)) == [
        ("approved", 0)
    ]
    refused = await harness.click(post, f"report:{first}:nosubsidy", user=world.member)
    assert "Only the association's staff" in (await refused.reply()).content

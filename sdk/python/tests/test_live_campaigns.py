"""The campaigns and suppressions methods against a live API (issue 12's "Done when", through the
Python SDK): a campaign with a calling window in the callee's time zone, its counts moving, pause,
resume and cancel, suppressed numbers never dialed, every list paged through. npm test runs this
against the local stack it starts (test/sdk/python-sdk.test.ts); by hand, start one with
`npm start` and set VOISNAP_BASE_URL=http://localhost:3000.
"""

from __future__ import annotations

import time
import unittest
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Dict, List, Tuple
from zoneinfo import ZoneInfo

from support import LIVE_API_KEY, LIVE_BASE_URL

from voisnap import ConflictError, InvalidRequestError, NotFoundError, UnprocessableEntityError, Voisnap

AGENT = "agt_01HXK8Z3MNPQRS"
TERMINAL = {"completed", "failed", "no_answer", "busy", "voicemail", "cancelled"}
ACTIVE = {"initiating", "ringing", "in_progress"}
ALL_DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def window_open_now(now: datetime) -> Tuple[str, str, Dict[str, Any]]:
    """An area code, its zone, and a window (timeZone "callee") open there from the hour before now
    to two hours after: Los Angeles, else New York, else Honolulu, whichever is at least 90 minutes
    from midnight (each is unusable from 21:30 to 01:30 local time, and those stretches never all
    overlap; test/support/calling-windows.ts has the same list). Tokyo is 5 to 11 hours away from
    each on the clock face, so the window is shut there."""
    for area_code, zone in (("415", "America/Los_Angeles"), ("212", "America/New_York"), ("808", "Pacific/Honolulu")):
        local = now.astimezone(ZoneInfo(zone))
        minutes = local.hour * 60 + local.minute
        if 90 <= minutes <= 21 * 60 + 30:
            window = {"days": ALL_DAYS, "start": f"{local.hour - 1:02d}:00", "end": f"{local.hour + 2:02d}:00", "timeZone": "callee"}
            return area_code, zone, window
    raise AssertionError(f"none of Los Angeles, New York and Honolulu is 90 minutes from midnight at {now.isoformat()}")


class WindowOpenNow(unittest.TestCase):
    def test_finds_a_window_open_now_and_shut_in_tokyo_at_every_quarter_hour_of_a_year(self) -> None:
        start = datetime(2026, 1, 1, tzinfo=timezone.utc)
        missed = []
        for step in range(365 * 24 * 4):
            now = start + timedelta(minutes=15 * step)
            try:
                _, zone, window = window_open_now(now)
            except AssertionError as error:
                missed.append(str(error))
                continue
            local = now.astimezone(ZoneInfo(zone)).strftime("%H:%M")
            tokyo = now.astimezone(ZoneInfo("Asia/Tokyo")).strftime("%H:%M")
            if not (window["start"] <= local < window["end"]) or window["start"] <= tokyo < window["end"]:
                missed.append(f"{now.isoformat()}: {zone} {window['start']}-{window['end']}")
        self.assertEqual(missed, [])


@unittest.skipUnless(LIVE_BASE_URL, "set VOISNAP_BASE_URL (and VOISNAP_API_KEY) to a running API, such as npm start's")
class LiveCampaigns(unittest.TestCase):
    def setUp(self) -> None:
        self.client = Voisnap(api_key=LIVE_API_KEY, base_url=str(LIVE_BASE_URL))
        # Numbers of this run only, so a reused server's older campaigns and suppressions do not matter.
        self.tag = f"{uuid.uuid4().int % 8000 + 2000}"

    def wait_for(self, probe: Callable[[], Any], done: Callable[[Any], bool], timeout: float, what: str) -> Any:
        deadline = time.monotonic() + timeout
        value = probe()
        while not done(value):
            if time.monotonic() > deadline:
                self.fail(f"timed out after {timeout} s waiting for {what}; last value: {value!r}")
            time.sleep(0.2)
            value = probe()
        return value

    def calls_of(self, campaign_id: str, page_size: int = 100) -> Dict[str, Any]:
        return {call.to_number: call for call in self.client.outbound_calls.list(campaign_id=campaign_id, page_size=page_size)}

    def test_suppressions_add_list_every_page_remove(self) -> None:
        numbers = [f"+1415{self.tag}{n:03d}" for n in range(5)]
        added = [self.client.suppressions.add(number, reason="opted out") for number in numbers]
        self.assertEqual([entry.phone_number for entry in added], numbers)
        self.assertEqual(self.client.suppressions.add(numbers[0], reason="again"), added[0])

        listed = [entry.phone_number for entry in self.client.suppressions.list(page_size=2)]
        self.assertEqual([number for number in listed if number in numbers], numbers)

        with self.assertRaises(UnprocessableEntityError) as refused:
            self.client.outbound_calls.create(agent_id=AGENT, to_number=numbers[1])
        self.assertEqual((refused.exception.status, refused.exception.code), (422, "number_suppressed"))

        self.client.suppressions.remove(numbers[1])
        self.assertNotIn(numbers[1], [entry.phone_number for entry in self.client.suppressions.list(page_size=2)])
        with self.assertRaises(NotFoundError):
            self.client.suppressions.remove(numbers[1])

    def test_campaign_in_the_callees_zone_pause_resume_cancel_and_suppression(self) -> None:
        area_code, zone, window = window_open_now(datetime.now(timezone.utc))
        prefix = f"+1{area_code}{self.tag[:3]}"
        open_numbers = [f"{prefix}{2000 + n}" for n in range(4)]
        suppressed_before, suppressed_after, in_tokyo = f"{prefix}3000", f"{prefix}3001", f"{prefix}3002"
        no_zone = "+15005550101"  # the simulator's test range: no area, so no zone of its own
        self.client.suppressions.add(suppressed_before, reason="asked not to be called")

        with self.assertRaises(InvalidRequestError) as unknown:
            self.client.campaigns.create(name="No zone", agent_id=AGENT, contacts=[{"toNumber": no_zone}], calling_window=window)
        self.assertEqual((unknown.exception.code, unknown.exception.param), ("callee_time_zone_unknown", "contacts.0.toNumber"))

        campaign = self.client.campaigns.create(
            name=f"Python campaign {self.tag}",
            agent_id=AGENT,
            contacts=[
                *({"toNumber": number, "metadata": {"customerId": f"cust_{i}"}} for i, number in enumerate(open_numbers)),
                {"toNumber": no_zone},
                {"toNumber": suppressed_before},
                {"toNumber": in_tokyo, "timeZone": "Asia/Tokyo"},
                {"toNumber": suppressed_after},  # due last: suppressed while it waits
            ],
            pacing={"callsPerMinute": 20, "maxConcurrentCalls": 2},
            calling_window={**window, "defaultTimeZone": zone},
        )
        self.client.suppressions.add(suppressed_after)
        self.assertEqual((campaign.status, campaign.counts["total"]), ("running", 8))
        campaign_id = campaign.id

        first = self.calls_of(campaign_id, page_size=3)
        self.assertEqual(len(first), 8)
        self.assertIn(first[suppressed_after].status, {"scheduled", "queued"})
        self.assertEqual((first[suppressed_before].status, first[suppressed_before].end_reason), ("cancelled", "suppressed"))
        tokyo = first[in_tokyo]
        self.assertEqual(tokyo.status, "scheduled")
        opens = datetime.fromisoformat(str(tokyo.scheduled_for).replace("Z", "+00:00")).astimezone(ZoneInfo("Asia/Tokyo"))
        self.assertEqual(opens.strftime("%H:%M"), window["start"])

        self.wait_for(lambda: self.client.campaigns.get(campaign_id), lambda c: c.counts["completed"] >= 1, 180, "a completed call in the counts")

        paused = self.client.campaigns.pause(campaign_id)
        paused_at = datetime.now(timezone.utc)
        self.assertEqual(paused.status, "paused")
        settled = self.wait_for(
            lambda: self.calls_of(campaign_id), lambda calls: all(c.status not in ACTIVE for c in calls.values()), 180, "no call under way"
        )
        for call in settled.values():
            if call.initiated_at is not None:
                initiated = datetime.fromisoformat(str(call.initiated_at).replace("Z", "+00:00"))
                self.assertLessEqual(initiated, paused_at + timedelta(seconds=1))

        self.assertEqual(self.client.campaigns.resume(campaign_id).status, "running")
        done = self.wait_for(
            lambda: self.calls_of(campaign_id),
            lambda calls: sum(1 for c in calls.values() if c.status in TERMINAL) == 7,
            240,
            "every call but Tokyo's ended",
        )
        for number in [*open_numbers, no_zone]:
            self.assertEqual(done[number].status, "completed", number)
        for number in (suppressed_before, suppressed_after):
            call = done[number]
            self.assertEqual((call.status, call.end_reason, call.initiated_at), ("cancelled", "suppressed", None), number)
        self.assertEqual(done[in_tokyo].status, "scheduled")
        self.wait_for(
            lambda: self.client.campaigns.get(campaign_id),
            lambda c: c.counts["completed"] == 5 and c.counts["cancelled"] == 2,
            60,
            "the counts to show 5 completed and 2 cancelled",
        )

        self.assertEqual(self.client.campaigns.cancel(campaign_id).status, "cancelled")
        counted = self.wait_for(
            lambda: self.client.campaigns.get(campaign_id),
            lambda c: c.counts["cancelled"] == 3 and c.counts["scheduled"] == 0,
            60,
            "the waiting call cancelled in the counts",
        )
        self.assertEqual((counted.counts["total"], counted.counts["completed"]), (8, 5))
        self.assertEqual(self.client.outbound_calls.get(tokyo.id).status, "cancelled")
        with self.assertRaises(ConflictError):
            self.client.campaigns.add_contacts(campaign_id, [{"toNumber": f"{prefix}4000"}])

    def test_campaigns_list_every_page_newest_first(self) -> None:
        start_at = datetime.now(timezone.utc) + timedelta(hours=2)
        made: List[str] = [
            self.client.campaigns.create(
                name=f"Later {self.tag} {n}", agent_id=AGENT, contacts=[{"toNumber": f"+1415{self.tag}{500 + n}"}], start_at=start_at
            ).id
            for n in range(3)
        ]
        listed = [campaign.id for campaign in self.client.campaigns.list(page_size=1)]
        self.assertEqual([campaign_id for campaign_id in listed if campaign_id in made], list(reversed(made)))
        for campaign_id in made:
            self.assertEqual(self.client.campaigns.cancel(campaign_id).status, "cancelled")


if __name__ == "__main__":
    unittest.main()

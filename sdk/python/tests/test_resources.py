"""Campaigns, suppressions, webhook endpoints and the PATCH of a scheduled call against a scripted
fake of the API (the campaigns and suppressions API follows issue 12's contract); request ids and
Retry-After on errors; and webhook verification against signatures made the way the service makes
them (functions/domain/webhook-events.ts)."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import unittest
from email.utils import formatdate
from typing import Any, Dict, List

from support import FakeApi, RecordedRequest, Reply
from test_transport import CALL

from voisnap import (
    ConflictError,
    InternalServerError,
    MethodNotAllowedError,
    NotFoundError,
    RateLimitError,
    Voisnap,
    WebhookVerificationError,
    verify_webhook,
)

CAMPAIGN: Dict[str, Any] = {"id": "cmp_01M8EHKFKGWDY2XBPKECRRF86P", "status": "running", "counts": {"total": 2, "queued": 2}}


def client(url: str, **options: Any) -> Voisnap:
    return Voisnap(api_key="vsnp_test_key", base_url=url, **options)


def sent(fake: FakeApi) -> List[str]:
    return [f"{request.method} {request.path}" for request in fake.requests]


class Errors(unittest.TestCase):
    def test_the_request_id_comes_from_the_header_else_from_the_body(self) -> None:
        not_found = {"type": "not_found", "code": "call_not_found", "message": "No call.", "requestId": "req_in_body"}
        script: List[Reply] = [
            (404, {"error": not_found}, {"Request-Id": "req_from_header"}),
            (404, {"error": not_found}),
            (405, {"message": "Method Not Allowed", "requestId": "req_top"}, {"Allow": "GET, PATCH"}),
            (401, {"message": "Unauthorized"}),
        ]
        raised = []
        with FakeApi(script) as fake:
            for _ in script:
                try:
                    client(fake.url).outbound_calls.get("obc_1")
                except Exception as error:  # noqa: BLE001 - each answer's error is checked below
                    raised.append(error)
        self.assertIsInstance(raised[0], NotFoundError)
        self.assertEqual([error.request_id for error in raised], ["req_from_header", "req_in_body", "req_top", None])
        self.assertIsInstance(raised[2], MethodNotAllowedError)
        self.assertIn("req_from_header", repr(raised[0]))

    def test_retry_after_is_waited_out_on_429_and_503_seconds_or_http_date(self) -> None:
        started = time.monotonic()
        script: List[Reply] = [
            (429, {"message": "Too Many Requests"}, {"Retry-After": "2"}),
            (503, {"message": "x"}, {"Retry-After": formatdate(time.time() + 4, usegmt=True)}),
            (200, CALL),
        ]
        with FakeApi(script) as fake:
            client(fake.url).outbound_calls.get("obc_1")
        self.assertEqual(len(fake.requests), 3)
        # Backoff alone waits at most 0.5 s then 1 s; an HTTP date has whole seconds, so up to one earlier.
        self.assertGreaterEqual(time.monotonic() - started, 2.9)

    def test_a_retry_after_over_a_minute_is_raised_at_once(self) -> None:
        with FakeApi([(429, {"message": "Slow down"}, {"Retry-After": "120"})]) as fake:
            with self.assertRaises(RateLimitError) as raised:
                client(fake.url, max_retries=3).outbound_calls.get("obc_1")
        self.assertEqual(len(fake.requests), 1)
        self.assertEqual(raised.exception.retry_after, 120.0)

    def test_an_unreadable_retry_after_falls_back_to_the_backoff(self) -> None:
        with FakeApi([(503, {"message": "x"}, {"Retry-After": "soon"})]) as fake:
            with self.assertRaises(InternalServerError) as raised:
                client(fake.url, max_retries=1).outbound_calls.get("obc_1")
        self.assertEqual(len(fake.requests), 2)
        self.assertIsNone(raised.exception.retry_after)


class OutboundCallUpdate(unittest.TestCase):
    def test_update_patches_only_the_given_fields_and_a_409_is_not_retried(self) -> None:
        conflict = {"type": "conflict", "code": "call_not_scheduled", "message": "Call obc_1 is queued."}
        with FakeApi([(200, {**CALL, "status": "scheduled"}), (409, {"error": conflict})]) as fake:
            voisnap = client(fake.url)
            call = voisnap.outbound_calls.update("obc_1", scheduled_for="2030-06-17T10:00:00Z", metadata={"a": 1}, max_retries=1)
            self.assertEqual(call.status, "scheduled")
            with self.assertRaises(ConflictError):
                voisnap.outbound_calls.update("obc_1", override_first_message="Hi", retry_delay_minutes=5)
        self.assertEqual(sent(fake), ["PATCH /api/v1/outbound-calls/obc_1"] * 2)
        self.assertEqual(fake.requests[0].json(), {"scheduledFor": "2030-06-17T10:00:00Z", "metadata": {"a": 1}, "maxRetries": 1})
        self.assertEqual(fake.requests[1].json(), {"overrideFirstMessage": "Hi", "retryDelayMinutes": 5})


class CampaignMethods(unittest.TestCase):
    def test_create_get_add_contacts_pause_resume_cancel(self) -> None:
        campaign_id = CAMPAIGN["id"]
        with FakeApi([(201, CAMPAIGN), (200, CAMPAIGN)]) as fake:
            campaigns = client(fake.url).campaigns
            created = campaigns.create(
                name="Spring reminders",
                agent_id="agt_01HXK8Z3MNPQRS",
                contacts=[{"toNumber": "+14155550199", "timeZone": "America/Chicago"}],
                calling_window={"days": ["mon", "tue"], "start": "09:00", "end": "17:00", "timeZone": "callee"},
                pacing={"callsPerMinute": 5},
                retry_policy={"no_answer": {"maxRetries": 2, "delayMinutes": 60}},
                start_at="2030-06-17T09:00:00Z",
            )
            self.assertEqual((created.id, created.counts.total, created["status"]), (campaign_id, 2, "running"))
            campaigns.create(name="n", agent_id="a", contacts=[{"toNumber": "+14155550199"}], idempotency_key="batch-1")
            campaigns.get(campaign_id)
            campaigns.add_contacts(campaign_id, [{"toNumber": "+14155550100"}], idempotency_key="more-1")
            campaigns.pause(campaign_id)
            campaigns.resume(campaign_id)
            campaigns.cancel(campaign_id)
        self.assertEqual(
            sent(fake),
            [
                "POST /api/v1/campaigns",
                "POST /api/v1/campaigns",
                f"GET /api/v1/campaigns/{campaign_id}",
                f"POST /api/v1/campaigns/{campaign_id}/contacts",
                f"POST /api/v1/campaigns/{campaign_id}/pause",
                f"POST /api/v1/campaigns/{campaign_id}/resume",
                f"POST /api/v1/campaigns/{campaign_id}/cancel",
            ],
        )
        first, second, _, contacts, *_ = fake.requests
        self.assertEqual(
            first.json(),
            {
                "name": "Spring reminders",
                "agentId": "agt_01HXK8Z3MNPQRS",
                "contacts": [{"toNumber": "+14155550199", "timeZone": "America/Chicago"}],
                "startAt": "2030-06-17T09:00:00Z",
                "callingWindow": {"days": ["mon", "tue"], "start": "09:00", "end": "17:00", "timeZone": "callee"},
                "pacing": {"callsPerMinute": 5},
                "retryPolicy": {"no_answer": {"maxRetries": 2, "delayMinutes": 60}},
            },
        )
        self.assertRegex(first.headers["idempotency-key"], r"^[0-9a-f-]{36}$")
        self.assertEqual(second.headers["idempotency-key"], "batch-1")
        self.assertEqual((contacts.json(), contacts.headers["idempotency-key"]), ({"contacts": [{"toNumber": "+14155550100"}]}, "more-1"))

    def test_a_lost_create_is_retried_with_the_same_key(self) -> None:
        with FakeApi(["drop", (201, CAMPAIGN)]) as fake:
            client(fake.url).campaigns.create(name="n", agent_id="a", contacts=[{"toNumber": "+14155550199"}])
        self.assertEqual(len({request.headers["idempotency-key"] for request in fake.requests}), 1)
        self.assertEqual(len(fake.requests), 2)

    def test_list_follows_next_cursor_with_the_same_filters(self) -> None:
        pages: List[Reply] = [
            (200, {"data": [{"id": "cmp_3"}, {"id": "cmp_2"}], "page": 1, "pageSize": 2, "hasMore": True, "nextCursor": "cmp_2"}),
            (200, {"data": [{"id": "cmp_1"}], "page": 2, "pageSize": 2, "hasMore": False, "nextCursor": None}),
        ]
        with FakeApi(lambda request, index: pages[index % 2]) as fake:
            listed = client(fake.url).campaigns.list(page_size=2)
            self.assertEqual([campaign.id for campaign in listed], ["cmp_3", "cmp_2", "cmp_1"])
        self.assertEqual(sent(fake), ["GET /api/v1/campaigns?pageSize=2", "GET /api/v1/campaigns?pageSize=2&cursor=cmp_2"])

    def test_an_empty_id_is_refused_before_anything_is_sent(self) -> None:
        with self.assertRaisesRegex(ValueError, "campaign_id"):
            client("http://127.0.0.1:9").campaigns.pause("")


class SuppressionMethods(unittest.TestCase):
    def test_add_list_remove(self) -> None:
        suppression = {"phoneNumber": "+14155550199", "reason": "asked", "createdAt": "2030-01-01T00:00:00Z"}
        script: List[Reply] = [
            (201, suppression),
            (200, {"data": [suppression], "nextCursor": "next-1"}),
            (200, {"data": [{**suppression, "phoneNumber": "+14155550100"}], "nextCursor": None}),
            (204, None),
        ]
        with FakeApi(script) as fake:
            suppressions = client(fake.url).suppressions
            self.assertEqual(suppressions.add("+14155550199", reason="asked").phone_number, "+14155550199")
            self.assertEqual([each.phone_number for each in suppressions.list(page_size=1)], ["+14155550199", "+14155550100"])
            self.assertIsNone(suppressions.remove("+14155550199"))
        self.assertEqual(
            sent(fake),
            [
                "POST /api/v1/suppressions",
                "GET /api/v1/suppressions?pageSize=1",
                "GET /api/v1/suppressions?pageSize=1&cursor=next-1",
                "DELETE /api/v1/suppressions/%2B14155550199",
            ],
        )
        self.assertEqual(fake.requests[0].json(), {"phoneNumber": "+14155550199", "reason": "asked"})


class WebhookMethods(unittest.TestCase):
    def test_every_endpoint_method(self) -> None:
        endpoint = {"id": "whk_1", "url": "https://example.com/h", "events": ["SessionEnded"], "disabledReason": None}

        def api(request: RecordedRequest, index: int) -> Reply:
            if request.method == "DELETE":
                return (204, None)
            if "/deliveries" in request.path:
                next_cursor = None if "cursor=" in request.path else "c2"
                return (200, {"data": [{"id": "dlv_1" if next_cursor is None else "dlv_2"}], "nextCursor": next_cursor})
            return (200, endpoint)

        with FakeApi(api) as fake:
            webhooks = client(fake.url).webhooks
            webhooks.create(url="https://example.com/h", events=["SessionEnded"])
            webhooks.list()
            self.assertIsNone(webhooks.get("whk_1").disabled_reason)
            webhooks.update("whk_1", enabled=True)
            webhooks.rotate_secret("whk_1")
            self.assertEqual([attempt.id for attempt in webhooks.deliveries("whk_1", page_size=1)], ["dlv_2", "dlv_1"])
            webhooks.redeliver("whk_1", "evt_1")
            self.assertIsNone(webhooks.delete("whk_1"))
        self.assertEqual(
            sent(fake),
            [
                "POST /api/v1/webhooks",
                "GET /api/v1/webhooks",
                "GET /api/v1/webhooks/whk_1",
                "PATCH /api/v1/webhooks/whk_1",
                "POST /api/v1/webhooks/whk_1/rotate-secret",
                "GET /api/v1/webhooks/whk_1/deliveries?pageSize=1",
                "GET /api/v1/webhooks/whk_1/deliveries?pageSize=1&cursor=c2",
                "POST /api/v1/webhooks/whk_1/events/evt_1/redeliver",
                "DELETE /api/v1/webhooks/whk_1",
            ],
        )
        self.assertEqual(fake.requests[0].json(), {"url": "https://example.com/h", "events": ["SessionEnded"]})
        self.assertEqual(fake.requests[3].json(), {"enabled": True})


class VerifyWebhook(unittest.TestCase):
    SECRET = "whsec_test_secret"
    BODY = json.dumps({"id": "evt_1", "type": "SessionEnded", "createdAt": "2030-01-01T00:00:00Z", "data": {}})
    NOW = 1_900_000_000

    def sign(self, secret: str, timestamp: int, body: str = BODY) -> str:
        return hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()

    def reason(self, body: Any, header: Any, secret: Any = SECRET, **options: Any) -> str:
        try:
            verify_webhook(body, header, secret, now=self.NOW, **options)
        except WebhookVerificationError as error:
            return error.reason
        return "verified"

    def test_a_matching_signature_within_the_tolerance_returns_the_event(self) -> None:
        t = self.NOW
        event = verify_webhook(self.BODY, f"t={t},v1={self.sign(self.SECRET, t)}", self.SECRET, now=t)
        self.assertEqual(event["id"], "evt_1")
        both = f"t={t},v1={self.sign('whsec_new', t)},v1={self.sign(self.SECRET, t)}"
        self.assertEqual(self.reason(self.BODY, both), "verified")
        self.assertEqual(self.reason(self.BODY.encode(), both, ["whsec_other", "whsec_new"]), "verified")
        self.assertEqual(self.reason(self.BODY, f"t={t - 299},v1={self.sign(self.SECRET, t - 299)}"), "verified")

    def test_wrong_secret_changed_body_replays_and_malformed_headers_are_refused(self) -> None:
        t = self.NOW
        header = f"t={t},v1={self.sign(self.SECRET, t)}"
        self.assertEqual(self.reason(self.BODY, header, "whsec_wrong"), "no_matching_signature")
        self.assertEqual(self.reason(self.BODY + " ", header), "no_matching_signature")
        self.assertEqual(self.reason(self.BODY, f"t={t + 1},v1={self.sign(self.SECRET, t)}"), "no_matching_signature")
        old, ahead = t - 301, t + 301
        self.assertEqual(self.reason(self.BODY, f"t={old},v1={self.sign(self.SECRET, old)}"), "timestamp_out_of_tolerance")
        self.assertEqual(self.reason(self.BODY, f"t={old},v1={self.sign(self.SECRET, old)}", tolerance_seconds=400), "verified")
        self.assertEqual(self.reason(self.BODY, f"t={ahead},v1={self.sign(self.SECRET, ahead)}"), "timestamp_out_of_tolerance")
        for malformed in ["v1=abc", f"t={t}", f"t=soon,v1={self.sign(self.SECRET, t)}", "garbage", "t=١٢٣,v1=ab"]:
            self.assertEqual(self.reason(self.BODY, malformed), "malformed_header", malformed)
        self.assertEqual(self.reason(self.BODY, None), "missing_header")
        self.assertEqual(self.reason(self.BODY, ""), "missing_header")
        self.assertEqual(self.reason(self.BODY, f"t={t},v1=é{self.sign(self.SECRET, t)[1:]}"), "no_matching_signature")


if __name__ == "__main__":
    unittest.main()

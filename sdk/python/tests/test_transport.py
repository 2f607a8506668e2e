"""The SDK's HTTP behaviour against a scripted fake of the API: retries, idempotency, errors,
timeouts, paging and the mapping of snake_case arguments to the API's fields."""

from __future__ import annotations

import json
import time
import unittest
from datetime import date, datetime, timedelta, timezone
from typing import Any, Dict

from support import REPO_ROOT, FakeApi, RecordedRequest, Reply

from voisnap import (
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    ConflictError,
    InternalServerError,
    InvalidRequestError,
    RateLimitError,
    Voisnap,
    VoisnapError,
)

OPENAPI = json.loads((REPO_ROOT / "docs" / "openapi.json").read_text())
#: The reference's call object, as the OpenAPI document shows it.
CALL: Dict[str, Any] = OPENAPI["paths"]["/api/v1/outbound-calls/{callId}"]["get"]["responses"]["200"]["content"]["application/json"]["examples"]["completed"]["value"]


def client(url: str, **options: Any) -> Voisnap:
    return Voisnap(api_key="vsnp_test_key", base_url=url, **options)


class Retries(unittest.TestCase):
    def test_503_then_201_creates_exactly_one_call_with_one_idempotency_key(self) -> None:
        created: Dict[str, Dict[str, Any]] = {}

        def api(request: RecordedRequest, index: int) -> Reply:
            if index == 0:
                return (503, {"message": "Service Unavailable"})
            key = request.headers["idempotency-key"]
            created.setdefault(key, {**CALL, "id": f"obc_{len(created) + 1}"})
            return (201, created[key])

        with FakeApi(api) as fake:
            call = client(fake.url).outbound_calls.create(agent_id="agt_01HXK8Z3MNPQRS", to_number="+14155550199")

        self.assertEqual(len(created), 1)
        self.assertEqual(call.id, "obc_1")
        self.assertEqual([request.method for request in fake.requests], ["POST", "POST"])
        keys = {request.headers["idempotency-key"] for request in fake.requests}
        self.assertEqual(len(keys), 1)
        self.assertRegex(keys.pop(), r"^[0-9a-f-]{36}$")

    def test_a_lost_response_is_retried_with_the_same_key_and_creates_nothing_more(self) -> None:
        created: Dict[str, Dict[str, Any]] = {}

        def api(request: RecordedRequest, index: int) -> Reply:
            # Like the API: one call per key; the first response never reaches the client.
            key = request.headers["idempotency-key"]
            created.setdefault(key, {**CALL, "id": f"obc_{len(created) + 1}"})
            return "drop" if index == 0 else (201, created[key])

        with FakeApi(api) as fake:
            call = client(fake.url).outbound_calls.create(agent_id="agt_01HXK8Z3MNPQRS", to_number="+14155550199")

        self.assertEqual(len(fake.requests), 2)
        self.assertEqual(len(created), 1)
        self.assertEqual(call.id, "obc_1")

    def test_a_400_is_raised_at_once_naming_the_field(self) -> None:
        error = {"type": "invalid_request", "code": "invalid_phone_number", "message": "toNumber must be a phone number in E.164 format.", "param": "toNumber"}
        with FakeApi([(400, {"error": error})]) as fake:
            with self.assertRaises(InvalidRequestError) as raised:
                client(fake.url).outbound_calls.create(agent_id="agt_01HXK8Z3MNPQRS", to_number="415 555 0199")
        self.assertEqual(len(fake.requests), 1)
        self.assertEqual(raised.exception.status, 400)
        self.assertEqual(raised.exception.type, "invalid_request")
        self.assertEqual(raised.exception.code, "invalid_phone_number")
        self.assertEqual(raised.exception.param, "toNumber")
        self.assertEqual(str(raised.exception), "toNumber must be a phone number in E.164 format.")
        self.assertIsInstance(raised.exception, VoisnapError)

    def test_429_5xx_and_concurrent_update_are_retried_with_backoff(self) -> None:
        script = [
            (429, {"message": "Too Many Requests"}),
            (502, {"message": "Bad Gateway"}),
            (409, {"error": {"type": "conflict", "code": "concurrent_update", "message": "The call changed."}}),
            (200, {**CALL, "status": "cancelled"}),
        ]
        started = time.monotonic()
        with FakeApi(script) as fake:
            call = client(fake.url, max_retries=3).outbound_calls.cancel("obc_01HXMN8ZABC123")
        self.assertEqual(call.status, "cancelled")
        self.assertEqual(len(fake.requests), 4)
        # Backoff: 0.25-0.5 s, 0.5-1 s, 1-2 s.
        self.assertGreaterEqual(time.monotonic() - started, 1.7)

    def test_after_max_retries_the_last_error_is_raised(self) -> None:
        with FakeApi([(429, {"message": "Too Many Requests"})]) as fake:
            with self.assertRaises(RateLimitError) as raised:
                client(fake.url, max_retries=1).outbound_calls.get("obc_1")
        self.assertEqual(len(fake.requests), 2)
        self.assertEqual((raised.exception.status, raised.exception.message, raised.exception.code), (429, "Too Many Requests", None))

        with FakeApi([(500, {"error": {"type": "internal", "code": "internal_error", "message": "Something went wrong on our side."}})]) as fake:
            with self.assertRaises(InternalServerError):
                client(fake.url, max_retries=0).outbound_calls.get("obc_1")
        self.assertEqual(len(fake.requests), 1)

    def test_a_conflict_a_retry_cannot_cure_is_not_retried(self) -> None:
        error = {"type": "conflict", "code": "call_not_cancellable", "message": "Call obc_1 is completed; only scheduled or queued calls can be cancelled."}
        with FakeApi([(409, {"error": error})]) as fake:
            with self.assertRaises(ConflictError):
                client(fake.url).outbound_calls.cancel("obc_1")
        self.assertEqual(len(fake.requests), 1)

    def test_network_errors_and_timeouts(self) -> None:
        with self.assertRaises(APIConnectionError) as refused:
            client("http://127.0.0.1:9", max_retries=0).outbound_calls.get("obc_1")
        self.assertIsNone(refused.exception.status)

        started = time.monotonic()
        with FakeApi(["hang"]) as fake:
            with self.assertRaises(APITimeoutError):
                client(fake.url, timeout=0.2, max_retries=1).outbound_calls.get("obc_1")
            self.assertEqual(len(fake.requests), 2)
        self.assertLess(time.monotonic() - started, 5)

    def test_api_gateway_error_bodies(self) -> None:
        with FakeApi([(401, {"message": "Unauthorized"})]) as fake:
            with self.assertRaises(AuthenticationError) as raised:
                client(fake.url).outbound_calls.get("obc_1")
        self.assertEqual((raised.exception.status, raised.exception.message), (401, "Unauthorized"))


class Requests(unittest.TestCase):
    def test_create_sends_the_api_fields_and_leaves_metadata_as_given(self) -> None:
        with FakeApi([(201, CALL)]) as fake:
            voisnap = client(fake.url)
            voisnap.outbound_calls.create(
                agent_id="agt_01HXK8Z3MNPQRS",
                to_number="+14155550199",
                from_number="+14155550123",
                scheduled_for=datetime(2030, 6, 17, 9, 0, tzinfo=timezone(timedelta(hours=2))),
                metadata={"customer_id": "cust_12345", "nested": {"a": [1, 2]}},
                max_retries=2,
                retry_delay_minutes=30,
                override_first_message="Hi Jane",
            )
            voisnap.outbound_calls.create(agent_id="agt_01HXK8Z3MNPQRS", to_number="+14155550199", idempotency_key="row-17")
            voisnap.outbound_calls.create(agent_id="agt_01HXK8Z3MNPQRS", to_number="+14155550199")
        first, second, third = fake.requests
        self.assertEqual(first.path, "/api/v1/outbound-calls")
        self.assertEqual(first.headers["authorization"], "Bearer vsnp_test_key")
        self.assertEqual(first.headers["content-type"], "application/json")
        self.assertEqual(
            first.json(),
            {
                "agentId": "agt_01HXK8Z3MNPQRS",
                "toNumber": "+14155550199",
                "fromNumber": "+14155550123",
                "scheduledFor": "2030-06-17T09:00:00+02:00",
                "metadata": {"customer_id": "cust_12345", "nested": {"a": [1, 2]}},
                "maxRetries": 2,
                "retryDelayMinutes": 30,
                "overrideFirstMessage": "Hi Jane",
            },
        )
        self.assertEqual(second.json(), {"agentId": "agt_01HXK8Z3MNPQRS", "toNumber": "+14155550199"})
        self.assertEqual(second.headers["idempotency-key"], "row-17")
        self.assertNotEqual(first.headers["idempotency-key"], third.headers["idempotency-key"])

    def test_a_naive_datetime_is_refused_before_anything_is_sent(self) -> None:
        with FakeApi([(201, CALL)]) as fake:
            with self.assertRaisesRegex(ValueError, "time zone"):
                client(fake.url).outbound_calls.create(agent_id="a", to_number="+14155550199", scheduled_for=datetime(2030, 6, 17, 9, 0))
        self.assertEqual(fake.requests, [])

    def test_list_follows_next_cursor_with_the_same_filters(self) -> None:
        pages = [
            (200, {"data": [{**CALL, "id": "obc_3"}, {**CALL, "id": "obc_2"}], "page": 1, "pageSize": 2, "hasMore": True, "nextCursor": "cursor-2"}),
            (200, {"data": [{**CALL, "id": "obc_1"}], "page": 2, "pageSize": 2, "hasMore": False, "nextCursor": None}),
        ]
        with FakeApi(lambda request, index: pages[index % 2]) as fake:
            calls = client(fake.url).outbound_calls.list(status="completed", date_from=date(2025, 6, 1), page_size=2)
            self.assertEqual([call.id for call in calls], ["obc_3", "obc_2", "obc_1"])
            self.assertEqual([call.id for call in calls], ["obc_3", "obc_2", "obc_1"], "iterating again starts over")
        self.assertEqual(
            [request.path for request in fake.requests[:2]],
            [
                "/api/v1/outbound-calls?status=completed&dateFrom=2025-06-01&pageSize=2",
                "/api/v1/outbound-calls?status=completed&dateFrom=2025-06-01&pageSize=2&cursor=cursor-2",
            ],
        )
        self.assertEqual(len(fake.requests), 4)

    def test_a_page_to_start_from_is_sent_once(self) -> None:
        with FakeApi([(200, {"data": [CALL], "page": 3, "pageSize": 20, "hasMore": False, "nextCursor": None})]) as fake:
            list(client(fake.url).outbound_calls.list(page=3))
        self.assertEqual([request.path for request in fake.requests], ["/api/v1/outbound-calls?page=3"])

    def test_the_client_needs_a_key_and_calls_need_an_id(self) -> None:
        with self.assertRaisesRegex(ValueError, "api_key is required"):
            Voisnap(api_key="")
        with self.assertRaisesRegex(ValueError, "call_id"):
            client("http://127.0.0.1:9").outbound_calls.get("")


if __name__ == "__main__":
    unittest.main()

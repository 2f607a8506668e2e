"""The API reference's Python examples, run against a live API exactly as published.

reference_examples/ holds their text verbatim. What changes: how the client is constructed (here),
and, where a published value cannot work on the day the test runs, the substitutions each test
names (a scheduled time in the past moves into the future; the placeholder call id becomes a real
one). npm test runs this against the local stack it starts; by hand, start one with `npm start`
and set VOISNAP_BASE_URL=http://localhost:3000.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import tempfile
import time
import unittest
from datetime import date, datetime, timedelta, timezone
from typing import Any, Callable, Dict, Iterator, Optional, Tuple

from support import FIXTURES, LIVE_API_KEY, LIVE_BASE_URL, REFERENCE_EXAMPLES

from voisnap import AuthenticationError, ConflictError, InvalidRequestError, NotFoundError, OutboundCall, Voisnap

FINISHED = {"completed", "failed", "no_answer", "busy", "voicemail", "cancelled"}


@contextlib.contextmanager
def working_directory(path: Optional[str]) -> Iterator[None]:
    previous = os.getcwd()
    if path:
        os.chdir(path)
    try:
        yield
    finally:
        os.chdir(previous)


def utc_text(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@unittest.skipUnless(LIVE_BASE_URL, "set VOISNAP_BASE_URL (and VOISNAP_API_KEY) to a running API, such as npm start's")
class ReferenceExamples(unittest.TestCase):
    def setUp(self) -> None:
        self.client = Voisnap(api_key=LIVE_API_KEY, base_url=str(LIVE_BASE_URL))

    def run_example(self, name: str, substitutions: Optional[Dict[str, str]] = None, cwd: Optional[str] = None) -> Tuple[Dict[str, Any], str]:
        """Runs reference_examples/<name> with `client` defined, after the given text substitutions;
        returns its variables and what it printed."""
        path = REFERENCE_EXAMPLES / name
        source = path.read_text()
        for old, new in (substitutions or {}).items():
            self.assertEqual(source.count(old), 1, f"{name} should contain {old!r} exactly once")
            source = source.replace(old, new)
        namespace: Dict[str, Any] = {"client": self.client}
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed), working_directory(cwd):
            exec(compile(source, str(path), "exec"), namespace)
        return namespace, printed.getvalue()

    def wait_until_finished(self, call_id: str, timeout: float = 60.0) -> OutboundCall:
        return self.wait_for(lambda: self.client.outbound_calls.get(call_id), lambda call: call.status in FINISHED, timeout)

    def wait_for(self, probe: Callable[[], Any], done: Callable[[Any], bool], timeout: float) -> Any:
        deadline = time.monotonic() + timeout
        value = probe()
        while not done(value):
            if time.monotonic() > deadline:
                self.fail(f"timed out after {timeout} s; last value: {value!r}")
            time.sleep(0.1)
            value = probe()
        return value

    def test_immediate_call(self) -> None:
        namespace, _ = self.run_example("immediate.py")

        call = namespace["call"]
        self.assertIsInstance(call, OutboundCall)
        self.assertRegex(call.id, r"^obc_[0-9A-Z]{26}$")
        self.assertEqual(call.agent_id, "agt_01HXK8Z3MNPQRS")
        self.assertEqual(call.to_number, "+14155550199")
        self.assertEqual(call.from_number, "+14155550123")
        self.assertEqual(call.status, "queued")
        self.assertIsNone(call.scheduled_for)
        self.assertEqual(call.metadata, {"customer_id": "cust_12345", "customer_name": "Jane Smith"})
        self.assertEqual(call.override_first_message, "Hi Jane, this is Aria calling from Acme...")

        finished = self.wait_until_finished(call.id)
        self.assertEqual(finished.status, "completed")
        self.assertEqual(finished.end_reason, "agent_ended")
        self.assertRegex(finished.conversation_id or "", r"^conv_")
        self.assertIsInstance(finished.duration_seconds, int)
        self.assertEqual(len(finished.attempts), 1)
        self.assertEqual(finished.attempts[0].status, "completed")

    def test_scheduled_call(self) -> None:
        in_an_hour = utc_text(datetime.now(timezone.utc) + timedelta(hours=1))

        namespace, _ = self.run_example("scheduled.py", {'"2025-06-17T09:00:00Z"': f'"{in_an_hour}"'})

        call = namespace["call"]
        self.assertEqual(call.status, "scheduled")
        self.assertEqual(call.scheduled_for, in_an_hour)
        self.assertEqual(call.max_retries, 2)
        self.assertEqual(call.retry_delay_minutes, 30)
        self.assertEqual(call.retry_count, 0)
        self.assertEqual(self.client.outbound_calls.get(call.id).status, "scheduled")

    def test_list_loop(self) -> None:
        placed = self.client.outbound_calls.create(agent_id="agt_01HXK8Z3MNPQRS", to_number="+14155550199")
        completed = self.wait_until_finished(placed.id)
        self.assertEqual(completed.status, "completed")

        _, printed = self.run_example("list_calls.py")

        lines = printed.splitlines()
        self.assertIn(f"+14155550199: completed ({completed.duration_seconds}s)", lines)
        for line in lines:
            self.assertRegex(line, r"^\+\d+: completed \(\d+s\)$")

    def test_cancel(self) -> None:
        scheduled = self.client.outbound_calls.create(
            agent_id="agt_01HXK8Z3MNPQRS",
            to_number="+14155550199",
            scheduled_for=datetime.now(timezone.utc) + timedelta(hours=2),
        )

        self.run_example("cancel.py", {'"obc_01HXMN8ZABC123"': f'"{scheduled.id}"'})

        cancelled = self.client.outbound_calls.get(scheduled.id)
        self.assertEqual(cancelled.status, "cancelled")
        self.assertEqual(cancelled.end_reason, "cancelled")
        with self.assertRaises(ConflictError) as raised:
            self.client.outbound_calls.cancel(scheduled.id)
        self.assertEqual(raised.exception.status, 409)
        self.assertEqual(raised.exception.code, "call_not_cancellable")
        self.assertIn("is cancelled", raised.exception.message)

    def test_batch_scheduling_script(self) -> None:
        year = date.today().year + 1
        with tempfile.TemporaryDirectory() as directory:
            shutil.copy(FIXTURES / "contacts.csv", directory)
            _, printed = self.run_example(
                "batch_scheduling.py",
                {"datetime(2025, 6, 17, 9, 0, 0)": f"datetime({year}, 6, 17, 9, 0, 0)"},
                cwd=directory,
            )

        contacts = [
            ("+14155550199", "cust_12345", "Jane Smith"),
            ("+14155550100", "cust_12346", "Doe, John"),
            ("+15005550101", "cust_12347", "Ana Lima"),
        ]
        lines = printed.splitlines()
        self.assertEqual(len(lines), len(contacts))
        for i, (line, (phone, customer_id, name)) in enumerate(zip(lines, contacts)):
            match = re.fullmatch(rf"Scheduled {re.escape(phone)} for {year}-06-17 09:0{2 * i}:00: (obc_\w+)", line)
            self.assertIsNotNone(match, line)
            call = self.client.outbound_calls.get(match.group(1) if match else "")
            self.assertEqual(call.status, "scheduled")
            self.assertEqual(call.to_number, phone)
            self.assertEqual(call.scheduled_for, f"{year}-06-17T09:0{2 * i}:00Z")
            self.assertEqual(call.metadata, {"customer_id": customer_id, "customer_name": name})

    def test_list_pages_through_every_result(self) -> None:
        created = [
            self.client.outbound_calls.create(
                agent_id="agt_01HXK8Z3MNPQRT",
                to_number="+14155550199",
                scheduled_for=utc_text(datetime.now(timezone.utc) + timedelta(hours=3)),
                metadata={"n": n},
            ).id
            for n in range(5)
        ]
        listed = [call.id for call in self.client.outbound_calls.list(agent_id="agt_01HXK8Z3MNPQRT", status="scheduled", page_size=2)]
        # Newest first, across three pages or more; a reused server may hold older calls too.
        self.assertEqual([call_id for call_id in listed if call_id in created], list(reversed(created)))

    def test_errors_name_the_problem(self) -> None:
        with self.assertRaises(InvalidRequestError) as invalid:
            self.client.outbound_calls.create(agent_id="agt_01HXK8Z3MNPQRS", to_number="415 555 0199")
        self.assertEqual((invalid.exception.status, invalid.exception.code, invalid.exception.param), (400, "invalid_phone_number", "toNumber"))
        self.assertIn("E.164", invalid.exception.message)

        with self.assertRaises(NotFoundError) as missing:
            self.client.outbound_calls.get("obc_01HXMN8ZABC123ABC123ABC123")
        self.assertEqual(missing.exception.code, "call_not_found")

        stranger = Voisnap(api_key="vsnp_test_00000000000000000000000000000000", base_url=str(LIVE_BASE_URL))
        with self.assertRaises(AuthenticationError) as unauthenticated:
            stranger.outbound_calls.get("obc_01HXMN8ZABC123ABC123ABC123")
        self.assertEqual((unauthenticated.exception.status, unauthenticated.exception.code), (401, "invalid_api_key"))


if __name__ == "__main__":
    unittest.main()

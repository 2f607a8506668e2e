"""What the tests share: the SDK on the import path, the server the live tests run against, and a
scripted fake of the API for the transport's tests."""

from __future__ import annotations

import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple, Union

SDK_ROOT = Path(__file__).resolve().parents[1]
REPO_ROOT = SDK_ROOT.parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
REFERENCE_EXAMPLES = Path(__file__).resolve().parent / "reference_examples"

# The tests run against this folder's voisnap package, installed or not.
sys.path.insert(0, str(SDK_ROOT))

#: The API the live tests call: `npm start` prints it (http://localhost:3000); npm test sets it.
LIVE_BASE_URL = os.environ.get("VOISNAP_BASE_URL")
LIVE_API_KEY = os.environ.get("VOISNAP_API_KEY", "vsnp_test_LocalDemoKeyDoNotUseInProduction")

#: A reply of the fake API: (status, JSON body), or (status, JSON body, headers); a body None sends
#: none. Or "drop" (close the connection without an answer), or "hang" (never answer).
Reply = Union[Tuple[int, Any], Tuple[int, Any, Dict[str, str]], str]


class RecordedRequest:
    def __init__(self, method: str, path: str, headers: Dict[str, str], body: str) -> None:
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body

    def json(self) -> Any:
        return json.loads(self.body)


class FakeApi:
    """An HTTP server on 127.0.0.1 that plays a script of replies, one per request (the last one
    repeats), and records every request it gets. Use it as a context manager."""

    def __init__(self, script: Union[List[Reply], Callable[[RecordedRequest, int], Reply]]) -> None:
        self.requests: List[RecordedRequest] = []
        self._released = threading.Event()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self._reply()

            def do_POST(self) -> None:
                self._reply()

            def do_PATCH(self) -> None:
                self._reply()

            def do_DELETE(self) -> None:
                self._reply()

            def _reply(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode("utf-8") if length else ""
                recorded = RecordedRequest(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                fake.requests.append(recorded)
                index = len(fake.requests) - 1
                reply = script(recorded, index) if callable(script) else script[min(index, len(script) - 1)]
                if reply == "hang":
                    fake._released.wait(10)
                    return
                if reply == "drop":
                    self.close_connection = True
                    self.connection.close()
                    return
                status, payload, *rest = reply  # type: ignore[misc]
                data = b"" if payload is None else json.dumps(payload).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in (rest[0] if rest else {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread: Optional[threading.Thread] = None

    def __enter__(self) -> FakeApi:
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._released.set()
        self._server.shutdown()
        self._server.server_close()

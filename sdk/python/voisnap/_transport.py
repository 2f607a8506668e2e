from __future__ import annotations

import http.client
import json
import random
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Dict, Mapping, Optional

from ._errors import APIConnectionError, APITimeoutError, VoisnapError, error_from_response

__version__ = "0.1.0"

#: Backoff before retry n (from 0): 0.5 s, 1 s, 2 s, ... up to 8 s, each with up to half of it random.
INITIAL_DELAY_SECONDS = 0.5
MAX_DELAY_SECONDS = 8.0
#: A ``Retry-After`` longer than this is not waited out: the error is raised with its ``retry_after``.
MAX_RETRY_AFTER_SECONDS = 60.0


def retry_delay_seconds(retry: int) -> float:
    ceiling = min(MAX_DELAY_SECONDS, INITIAL_DELAY_SECONDS * 2**retry)
    # Jitter spreads the retries of many clients that failed together.
    return ceiling / 2 + random.random() * ceiling / 2


class Transport:
    """Sends requests, retrying on 429, 5xx, a 409 ``concurrent_update``, network errors and
    timeouts: the failures a retry can cure. Creates are safe to retry because they carry an
    Idempotency-Key. A ``Retry-After`` on the answer replaces the backoff (a wait over
    MAX_RETRY_AFTER_SECONDS is not retried)."""

    def __init__(self, api_key: str, base_url: str, timeout: float, max_retries: int) -> None:
        self.api_key = api_key
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.max_retries = max_retries

    def request(
        self,
        method: str,
        path: str,
        *,
        query: Optional[Mapping[str, Any]] = None,
        body: Optional[Mapping[str, Any]] = None,
        headers: Optional[Mapping[str, str]] = None,
    ) -> Any:
        retry = 0
        while True:
            try:
                return self._attempt(method, path, query, body, headers)
            except VoisnapError as error:
                if retry >= self.max_retries or not _is_retryable(error):
                    raise
                delay = error.retry_after if error.retry_after is not None else retry_delay_seconds(retry)
                if delay > MAX_RETRY_AFTER_SECONDS:
                    raise
            time.sleep(delay)
            retry += 1

    def _attempt(
        self,
        method: str,
        path: str,
        query: Optional[Mapping[str, Any]],
        body: Optional[Mapping[str, Any]],
        extra_headers: Optional[Mapping[str, str]],
    ) -> Any:
        headers: Dict[str, str] = {
            "Authorization": f"Bearer {self.api_key}",
            "Accept": "application/json",
            "User-Agent": f"voisnap-python/{__version__}",
        }
        headers.update(extra_headers or {})
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(self._url(path, query), data=data, method=method, headers=headers)
        where = f"{method} {path}"
        try:
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    status = response.status
                    response_headers = {name.lower(): value for name, value in response.headers.items()}
                    text = response.read().decode("utf-8", "replace")
            except urllib.error.HTTPError as error:
                status = error.code
                response_headers = {name.lower(): value for name, value in (error.headers or {}).items()}
                text = error.read().decode("utf-8", "replace")
        except (socket.timeout, TimeoutError) as error:
            raise APITimeoutError(f"No response from {where} within {self.timeout} s.") from error
        except urllib.error.URLError as error:
            if isinstance(error.reason, (socket.timeout, TimeoutError)):
                raise APITimeoutError(f"No response from {where} within {self.timeout} s.") from error
            raise APIConnectionError(f"Could not reach the Voisnap API ({where}): {error.reason}") from error
        except (http.client.HTTPException, OSError) as error:
            raise APIConnectionError(f"Could not reach the Voisnap API ({where}): {error!r}") from error

        parsed = _parse_json(text)
        if status == 204:
            return None
        if 200 <= status < 300:
            if parsed is None:
                raise VoisnapError(
                    f"The API answered {where} with {status} and no JSON body.",
                    status=status,
                    request_id=response_headers.get("request-id"),
                )
            return parsed
        raise error_from_response(status, parsed, text, response_headers)

    def _url(self, path: str, query: Optional[Mapping[str, Any]]) -> str:
        url = self.base_url + path
        params = {name: value for name, value in (query or {}).items() if value is not None}
        return f"{url}?{urllib.parse.urlencode(params)}" if params else url


def _is_retryable(error: VoisnapError) -> bool:
    if error.status is None:
        return isinstance(error, APIConnectionError)
    return error.status == 429 or error.status >= 500 or (error.status == 409 and error.code == "concurrent_update")


def _parse_json(text: str) -> Any:
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None

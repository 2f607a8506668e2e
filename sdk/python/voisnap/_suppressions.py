from __future__ import annotations

from typing import Optional

from ._api_object import ApiObject, Pages
from ._outbound_calls import path_segment
from ._transport import Transport

_BASE_PATH = "/api/v1/suppressions"


class Suppressions:
    """``client.suppressions``: numbers the account never calls (``/api/v1/suppressions``)."""

    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def add(self, phone_number: str, *, reason: Optional[str] = None) -> ApiObject:
        """Suppresses a number (E.164); adding one already there changes nothing."""
        body = {"phoneNumber": phone_number, "reason": reason}
        return ApiObject(
            self._transport.request("POST", _BASE_PATH, body={k: v for k, v in body.items() if v is not None})
        )

    def list(self, *, page_size: Optional[int] = None) -> Pages:
        """Every suppressed number, fetched a page at a time as the loop goes."""
        return Pages(self._transport, _BASE_PATH, {"pageSize": page_size})

    def remove(self, phone_number: str) -> None:
        """Calls to the number are allowed again."""
        self._transport.request("DELETE", f"{_BASE_PATH}/{path_segment('phone_number', phone_number, '+14155550199')}")

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Dict, Iterator, Mapping, Optional, Union
from urllib.parse import quote

from ._models import CallStatus, OutboundCall
from ._transport import Transport

_BASE_PATH = "/api/v1/outbound-calls"

#: A time for ``scheduled_for``: an ISO 8601 string with a zone, or a datetime with a tzinfo.
DateTimeLike = Union[str, datetime]
#: A bound for ``date_from`` / ``date_to``: an ISO 8601 date or date-time string, a date, or an aware datetime.
DateLike = Union[str, date, datetime]


class OutboundCalls:
    """``client.outbound_calls``: create, get, update, list and cancel outbound calls."""

    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def create(
        self,
        *,
        agent_id: str,
        to_number: str,
        from_number: Optional[str] = None,
        scheduled_for: Optional[DateTimeLike] = None,
        metadata: Optional[Mapping[str, Any]] = None,
        max_retries: Optional[int] = None,
        retry_delay_minutes: Optional[int] = None,
        override_first_message: Optional[str] = None,
        calling_window: Optional[Mapping[str, Any]] = None,
        retry_policy: Optional[Mapping[str, Any]] = None,
        idempotency_key: Optional[str] = None,
    ) -> OutboundCall:
        """Places a call now, or schedules it for ``scheduled_for``.

        ``calling_window`` (``{"days": [...], "start": "09:00", "end": "17:00", "timeZone": ...}``)
        and ``retry_policy`` are sent as the API documents them (docs/api.md).

        ``idempotency_key`` makes the create safe to repeat: the API creates one call per key
        (kept 24 hours). By default each create gets a random key, which its own retries reuse.
        """
        body = {
            "agentId": agent_id,
            "toNumber": to_number,
            "fromNumber": from_number,
            "scheduledFor": _datetime_text("scheduled_for", scheduled_for),
            "metadata": dict(metadata) if metadata is not None else None,
            "maxRetries": max_retries,
            "retryDelayMinutes": retry_delay_minutes,
            "overrideFirstMessage": override_first_message,
            "callingWindow": dict(calling_window) if calling_window is not None else None,
            "retryPolicy": dict(retry_policy) if retry_policy is not None else None,
        }
        # One key per logical create, reused by every retry, so a retry can never place a second call.
        key = idempotency_key or str(uuid.uuid4())
        data = self._transport.request(
            "POST",
            _BASE_PATH,
            body={name: value for name, value in body.items() if value is not None},
            headers={"Idempotency-Key": key},
        )
        return OutboundCall.from_api(data)

    def get(self, call_id: str) -> OutboundCall:
        return OutboundCall.from_api(self._transport.request("GET", _call_path(call_id)))

    def update(
        self,
        call_id: str,
        *,
        scheduled_for: Optional[DateTimeLike] = None,
        metadata: Optional[Mapping[str, Any]] = None,
        override_first_message: Optional[str] = None,
        max_retries: Optional[int] = None,
        retry_delay_minutes: Optional[int] = None,
    ) -> OutboundCall:
        """Changes a call that is still ``scheduled`` (``PATCH /api/v1/outbound-calls/{id}``): move it
        (``scheduled_for``; the old time can then never dial it), or change its ``metadata``,
        ``override_first_message``, ``max_retries`` or ``retry_delay_minutes``. Only the given fields
        are sent. Any other status raises ConflictError."""
        body = {
            "scheduledFor": _datetime_text("scheduled_for", scheduled_for),
            "metadata": dict(metadata) if metadata is not None else None,
            "overrideFirstMessage": override_first_message,
            "maxRetries": max_retries,
            "retryDelayMinutes": retry_delay_minutes,
        }
        data = self._transport.request(
            "PATCH", _call_path(call_id), body={name: value for name, value in body.items() if value is not None}
        )
        return OutboundCall.from_api(data)

    def list(
        self,
        *,
        agent_id: Optional[str] = None,
        campaign_id: Optional[str] = None,
        status: Optional[CallStatus] = None,
        date_from: Optional[DateLike] = None,
        date_to: Optional[DateLike] = None,
        page: Optional[int] = None,
        page_size: Optional[int] = None,
    ) -> OutboundCallList:
        """Every call matching the filters, newest first, fetched a page at a time as the loop goes."""
        filters = {
            "agentId": agent_id,
            "campaignId": campaign_id,
            "status": status,
            "dateFrom": _date_text("date_from", date_from),
            "dateTo": _date_text("date_to", date_to),
            "pageSize": page_size,
        }
        return OutboundCallList(self._transport, filters, page)

    def cancel(self, call_id: str) -> OutboundCall:
        """Cancels a ``scheduled`` or ``queued`` call; any other status raises ConflictError."""
        return OutboundCall.from_api(self._transport.request("POST", _call_path(call_id) + "/cancel"))


class OutboundCallList:
    """The calls a ``list()`` matches. Iterating it fetches the pages one by one, following each
    page's ``nextCursor``; iterating it again starts over."""

    def __init__(self, transport: Transport, filters: Mapping[str, Any], page: Optional[int]) -> None:
        self._transport = transport
        self._filters = dict(filters)
        self._page = page

    def __iter__(self) -> Iterator[OutboundCall]:
        query: Dict[str, Any] = {**self._filters, "page": self._page}
        while True:
            page = self._transport.request("GET", _BASE_PATH, query=query)
            for call in page["data"]:
                yield OutboundCall.from_api(call)
            if page.get("nextCursor") is None:
                return
            # The API wants the same filters with the cursor; the cursor knows the next page, so `page` is left out.
            query = {**self._filters, "cursor": page["nextCursor"]}


def _call_path(call_id: str) -> str:
    return f"{_BASE_PATH}/{path_segment('call_id', call_id, 'obc_01HXMN8ZABC123')}"


def path_segment(name: str, value: str, example: str) -> str:
    """A path segment from an id given by the caller: refused when empty, escaped otherwise."""
    if not isinstance(value, str) or not value:
        raise ValueError(f'{name} must be a non-empty string, such as "{example}".')
    return quote(value, safe="")


def _datetime_text(name: str, value: Optional[DateTimeLike]) -> Optional[str]:
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"{name} needs a time zone: use datetime(..., tzinfo=timezone.utc) or a string ending in Z.")
        return value.isoformat()
    return value


def _date_text(name: str, value: Optional[DateLike]) -> Optional[str]:
    if isinstance(value, datetime):
        return _datetime_text(name, value)
    if isinstance(value, date):
        return value.isoformat()
    return value

from __future__ import annotations

from typing import Optional, Sequence

from ._api_object import ApiObject, Pages
from ._outbound_calls import path_segment
from ._transport import Transport

_BASE_PATH = "/api/v1/webhooks"


class Webhooks:
    """``client.webhooks``: the account's webhook endpoints (``/api/v1/webhooks``). Verify
    deliveries with ``voisnap.verify_webhook``."""

    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def create(self, *, url: str, events: Sequence[str], description: Optional[str] = None) -> ApiObject:
        """Registers an endpoint; the answer carries its signing ``secret``, shown only here."""
        body = {"url": url, "events": list(events), "description": description}
        return ApiObject(self._transport.request("POST", _BASE_PATH, body={k: v for k, v in body.items() if v is not None}))

    def list(self) -> ApiObject:
        """Every endpoint of the account (at most 20), as ``{"data": [...]}``."""
        return ApiObject(self._transport.request("GET", _BASE_PATH))

    def get(self, webhook_id: str) -> ApiObject:
        return ApiObject(self._transport.request("GET", _endpoint_path(webhook_id)))

    def update(
        self,
        webhook_id: str,
        *,
        url: Optional[str] = None,
        events: Optional[Sequence[str]] = None,
        description: Optional[str] = None,
        enabled: Optional[bool] = None,
    ) -> ApiObject:
        """Changes an endpoint; ``enabled=True`` resumes one the service disabled."""
        body = {"url": url, "events": list(events) if events is not None else None, "description": description, "enabled": enabled}
        return ApiObject(
            self._transport.request("PATCH", _endpoint_path(webhook_id), body={k: v for k, v in body.items() if v is not None})
        )

    def delete(self, webhook_id: str) -> None:
        self._transport.request("DELETE", _endpoint_path(webhook_id))

    def rotate_secret(self, webhook_id: str) -> ApiObject:
        """A new secret (shown only here); the previous one keeps signing until ``previousSecretExpiresAt``."""
        return ApiObject(self._transport.request("POST", _endpoint_path(webhook_id) + "/rotate-secret"))

    def deliveries(self, webhook_id: str, *, page_size: Optional[int] = None) -> Pages:
        """Every delivery attempt to the endpoint, newest first, fetched a page at a time."""
        return Pages(self._transport, _endpoint_path(webhook_id) + "/deliveries", {"pageSize": page_size})

    def redeliver(self, webhook_id: str, event_id: str) -> ApiObject:
        """Sends an event (kept 30 days) to the endpoint again."""
        path = f"{_endpoint_path(webhook_id)}/events/{path_segment('event_id', event_id, 'evt_01M8EHKFKGWDY2XBPKECRRF86P')}/redeliver"
        return ApiObject(self._transport.request("POST", path))


def _endpoint_path(webhook_id: str) -> str:
    return f"{_BASE_PATH}/{path_segment('webhook_id', webhook_id, 'whk_01M8EHKFKGWDY2XBPKECRRF86P')}"

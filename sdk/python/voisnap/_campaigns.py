from __future__ import annotations

import uuid
from typing import Any, Dict, List, Mapping, Optional, Sequence

from ._api_object import ApiObject, Pages
from ._outbound_calls import DateTimeLike, _datetime_text, path_segment
from ._transport import Transport

_BASE_PATH = "/api/v1/campaigns"


class Campaigns:
    """``client.campaigns``: many calls of one agent, inside a calling window, paced, pausable
    (``/api/v1/campaigns``). Campaigns are ApiObjects: ``campaign.id``, ``campaign.counts["total"]``."""

    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def create(
        self,
        *,
        name: str,
        agent_id: str,
        contacts: Sequence[Mapping[str, Any]],
        from_number: Optional[str] = None,
        start_at: Optional[DateTimeLike] = None,
        calling_window: Optional[Mapping[str, Any]] = None,
        pacing: Optional[Mapping[str, Any]] = None,
        retry_policy: Optional[Mapping[str, Any]] = None,
        idempotency_key: Optional[str] = None,
    ) -> ApiObject:
        """Creates a campaign; each contact (``{"toNumber", "metadata"?, "overrideFirstMessage"?,
        "timeZone"?}``, 1 to 1,000) becomes an outbound call with ``campaignId``.
        ``calling_window``: ``{"days": ["mon", ...], "start": "09:00", "end": "17:00", "timeZone":
        "callee" or an IANA name, "defaultTimeZone"?: an IANA name for numbers whose area tells no zone,
        "blackoutDates"?: [{"from", "to"}]}``; ``pacing``:
        ``{"callsPerMinute", "maxConcurrentCalls"}``; ``retry_policy``: ``{"no_answer": {"maxRetries",
        "delayMinutes"}, ...}``. The nested objects are sent as given, in the API's camelCase."""
        body = {
            "name": name,
            "agentId": agent_id,
            "fromNumber": from_number,
            "contacts": [dict(contact) for contact in contacts],
            "startAt": _datetime_text("start_at", start_at),
            "callingWindow": _plain(calling_window),
            "pacing": _plain(pacing),
            "retryPolicy": _plain(retry_policy),
        }
        return ApiObject(
            self._transport.request(
                "POST",
                _BASE_PATH,
                body={key: value for key, value in body.items() if value is not None},
                headers={"Idempotency-Key": idempotency_key or str(uuid.uuid4())},
            )
        )

    def get(self, campaign_id: str) -> ApiObject:
        """The campaign with its up-to-date ``counts``."""
        return ApiObject(self._transport.request("GET", _campaign_path(campaign_id)))

    def list(self, *, page_size: Optional[int] = None) -> Pages:
        """Every campaign of the account, newest first, fetched a page at a time as the loop goes."""
        return Pages(self._transport, _BASE_PATH, {"pageSize": page_size})

    def add_contacts(
        self, campaign_id: str, contacts: Sequence[Mapping[str, Any]], *, idempotency_key: Optional[str] = None
    ) -> ApiObject:
        """Appends up to 1,000 contacts."""
        return ApiObject(
            self._transport.request(
                "POST",
                _campaign_path(campaign_id) + "/contacts",
                body={"contacts": [dict(contact) for contact in contacts]},
                headers={"Idempotency-Key": idempotency_key or str(uuid.uuid4())},
            )
        )

    def pause(self, campaign_id: str) -> ApiObject:
        """Holds every call not yet dialed; calls already connected finish."""
        return ApiObject(self._transport.request("POST", _campaign_path(campaign_id) + "/pause"))

    def resume(self, campaign_id: str) -> ApiObject:
        """Spreads the held calls again from now, inside the window and the pacing."""
        return ApiObject(self._transport.request("POST", _campaign_path(campaign_id) + "/resume"))

    def cancel(self, campaign_id: str) -> ApiObject:
        """Ends every call not yet dialed ``cancelled``."""
        return ApiObject(self._transport.request("POST", _campaign_path(campaign_id) + "/cancel"))


def _campaign_path(campaign_id: str) -> str:
    return f"{_BASE_PATH}/{path_segment('campaign_id', campaign_id, 'cmp_01M8EHKFKGWDY2XBPKECRRF86P')}"


def _plain(value: Optional[Mapping[str, Any]]) -> Optional[Dict[str, Any]]:
    return dict(value) if value is not None else None


__all__: List[str] = ["Campaigns"]

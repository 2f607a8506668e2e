from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Dict, List, Literal, Mapping, Optional

#: Where a call is in its lifecycle (docs/openapi.json, CallStatus).
CallStatus = Literal[
    "scheduled",
    "queued",
    "initiating",
    "ringing",
    "in_progress",
    "completed",
    "failed",
    "no_answer",
    "busy",
    "cancelled",
    "voicemail",
]

#: Why a call, or one attempt of it, ended (docs/openapi.json, EndReason).
EndReason = Literal[
    "agent_ended",
    "customer_ended",
    "voicemail_left",
    "no_answer",
    "busy",
    "invalid_number",
    "provider_error",
    "cancelled",
    "max_duration",
    "dial_timeout",
    "fax_detected",
    "suppressed",
    "calling_window_closed",
]


def to_camel(name: str) -> str:
    """``duration_seconds`` -> ``durationSeconds``: the API's name of an attribute."""
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def _read_fields(cls: type, data: Mapping[str, Any]) -> Dict[str, Any]:
    """Each attribute's value from the API's camelCase JSON: fields a newer API adds are ignored,
    missing ones are None."""
    return {field.name: data.get(to_camel(field.name)) for field in fields(cls)}


@dataclass(frozen=True)
class CallAttempt:
    """One dial attempt of a call. Timestamps are UTC ISO 8601 strings, as the API gives them."""

    attempt: int
    scheduled_for: Optional[str]
    initiated_at: Optional[str]
    connected_at: Optional[str]
    ended_at: Optional[str]
    duration_seconds: Optional[int]
    status: CallStatus
    end_reason: Optional[EndReason]

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> CallAttempt:
        return cls(**_read_fields(cls, data))


@dataclass(frozen=True)
class OutboundCall:
    """An outbound call. Timestamps are UTC ISO 8601 strings (``2025-06-16T14:00:00Z``);
    ``metadata`` is returned exactly as it was given, keys included."""

    id: str
    agent_id: str
    from_number: str
    to_number: str
    status: CallStatus
    direction: Literal["outbound"]
    scheduled_for: Optional[str]
    initiated_at: Optional[str]
    connected_at: Optional[str]
    ended_at: Optional[str]
    duration_seconds: Optional[int]
    conversation_id: Optional[str]
    metadata: Dict[str, Any]
    end_reason: Optional[EndReason]
    retry_count: int
    max_retries: int
    retry_delay_minutes: int
    override_first_message: Optional[str]
    #: ``{days, start, end, timeZone, blackoutDates?}`` as the API gives it, or None.
    calling_window: Optional[Dict[str, Any]]
    #: Retries per outcome (``no_answer``, ``busy``, ``voicemail``, ``failed``), or None.
    retry_policy: Optional[Dict[str, Any]]
    attempts: List[CallAttempt]
    #: The campaign the call belongs to (``cmp_…``), or None for a single call.
    campaign_id: Optional[str]
    created_at: str
    updated_at: str

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> OutboundCall:
        values = _read_fields(cls, data)
        values["metadata"] = dict(data.get("metadata") or {})
        values["attempts"] = [CallAttempt.from_api(attempt) for attempt in (data.get("attempts") or [])]
        return cls(**values)

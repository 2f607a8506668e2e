"""Python client for the Voisnap Outbound Calls API (standard library only)."""

from ._client import DEFAULT_BASE_URL, Voisnap
from ._errors import (
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    ConflictError,
    InternalServerError,
    InvalidRequestError,
    NotFoundError,
    RateLimitError,
    UnprocessableEntityError,
    VoisnapError,
)
from ._models import CallAttempt, CallStatus, EndReason, OutboundCall
from ._outbound_calls import OutboundCallList, OutboundCalls
from ._transport import __version__

__all__ = [
    "DEFAULT_BASE_URL",
    "Voisnap",
    "OutboundCalls",
    "OutboundCallList",
    "OutboundCall",
    "CallAttempt",
    "CallStatus",
    "EndReason",
    "VoisnapError",
    "InvalidRequestError",
    "AuthenticationError",
    "NotFoundError",
    "ConflictError",
    "UnprocessableEntityError",
    "RateLimitError",
    "InternalServerError",
    "APIConnectionError",
    "APITimeoutError",
    "__version__",
]

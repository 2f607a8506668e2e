"""Python client for the Voisnap Outbound Calls API (standard library only)."""

from ._api_object import ApiObject, Pages
from ._campaigns import Campaigns
from ._client import DEFAULT_BASE_URL, Voisnap
from ._errors import (
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    ConflictError,
    InternalServerError,
    InvalidRequestError,
    MethodNotAllowedError,
    NotFoundError,
    RateLimitError,
    UnprocessableEntityError,
    VoisnapError,
)
from ._models import CallAttempt, CallStatus, EndReason, OutboundCall
from ._outbound_calls import OutboundCallList, OutboundCalls
from ._suppressions import Suppressions
from ._transport import __version__
from ._webhook_signature import DEFAULT_TOLERANCE_SECONDS, WebhookVerificationError, verify_webhook
from ._webhooks import Webhooks

__all__ = [
    "DEFAULT_BASE_URL",
    "Voisnap",
    "OutboundCalls",
    "OutboundCallList",
    "Campaigns",
    "Suppressions",
    "Webhooks",
    "ApiObject",
    "Pages",
    "verify_webhook",
    "WebhookVerificationError",
    "DEFAULT_TOLERANCE_SECONDS",
    "MethodNotAllowedError",
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

from __future__ import annotations

import time
from email.utils import parsedate_to_datetime
from typing import Any, Dict, Mapping, Optional, Type


class VoisnapError(Exception):
    """Every error the SDK raises. ``code``, ``message`` and ``param`` are the API's own."""

    def __init__(
        self,
        message: str,
        *,
        status: Optional[int] = None,
        type: Optional[str] = None,
        code: Optional[str] = None,
        param: Optional[str] = None,
        request_id: Optional[str] = None,
        retry_after: Optional[float] = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        #: The HTTP status; None when no response arrived.
        self.status = status
        #: The kind of error, such as ``invalid_request``; each kind has one HTTP status.
        self.type = type
        #: What exactly went wrong, such as ``invalid_phone_number``.
        self.code = code
        #: The field, query parameter or header at fault, such as ``toNumber``.
        self.param = param
        #: The service's id of the failed request (its ``Request-Id`` header, or ``requestId`` in the
        #: error body): quote it to support. None when no response arrived, or it carried none.
        self.request_id = request_id
        #: How long the service asked to wait before trying again (``Retry-After``), in seconds.
        self.retry_after = retry_after

    def __repr__(self) -> str:
        return (
            f"{self.__class__.__name__}(status={self.status!r}, type={self.type!r}, "
            f"code={self.code!r}, param={self.param!r}, request_id={self.request_id!r}, message={self.message!r})"
        )


class InvalidRequestError(VoisnapError):
    """400: the request is invalid; ``param`` names the field."""


class AuthenticationError(VoisnapError):
    """401: the API key is missing, malformed, unknown or revoked."""


class NotFoundError(VoisnapError):
    """404: no such call, campaign, suppression or webhook endpoint in this account."""


class MethodNotAllowedError(VoisnapError):
    """405: the path exists but does not take this method."""


class ConflictError(VoisnapError):
    """409: the resource is past the point where this change applies (a call no longer scheduled, ...)."""


class UnprocessableEntityError(VoisnapError):
    """422: understood but refused, such as an Idempotency-Key already used with another body."""


class RateLimitError(VoisnapError):
    """429: too many requests, still after the SDK's retries."""


class InternalServerError(VoisnapError):
    """5xx: the service failed, still after the SDK's retries."""


class APIConnectionError(VoisnapError):
    """No response arrived (the network failed), still after the SDK's retries."""


class APITimeoutError(APIConnectionError):
    """No response arrived within the timeout, still after the SDK's retries."""


_BY_STATUS: Dict[int, Type[VoisnapError]] = {
    400: InvalidRequestError,
    401: AuthenticationError,
    404: NotFoundError,
    405: MethodNotAllowedError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def error_from_response(status: int, body: Any, text: str, headers: Optional[Mapping[str, str]] = None) -> VoisnapError:
    """The error for a response that is not a success.

    Most carry the service's error shape; API Gateway answers some requests itself (no
    Authorization header, throttling) with ``{"message": ...}``. ``headers`` (lower-case names):
    ``request-id`` gives ``request_id`` (else the body's ``error.requestId`` or ``requestId``),
    ``retry-after`` gives ``retry_after`` (RFC 9110 10.2.3: seconds, or an HTTP date).
    """
    headers = headers or {}
    error = body.get("error") if isinstance(body, dict) and isinstance(body.get("error"), dict) else {}
    gateway_message = body.get("message") if isinstance(body, dict) else None
    if isinstance(error.get("message"), str):
        message = error["message"]
    elif isinstance(gateway_message, str):
        message = gateway_message
    elif text.strip():
        message = text.strip()[:500]
    else:
        message = f"HTTP {status}"
    error_class = _BY_STATUS.get(status) or (InternalServerError if status >= 500 else VoisnapError)

    def text_field(name: str) -> Optional[str]:
        value = error.get(name)
        return value if isinstance(value, str) else None

    body_request_id = error.get("requestId") or (body.get("requestId") if isinstance(body, dict) else None)
    request_id = headers.get("request-id") or (body_request_id if isinstance(body_request_id, str) else None)
    return error_class(
        message,
        status=status,
        type=text_field("type"),
        code=text_field("code"),
        param=text_field("param"),
        request_id=request_id,
        retry_after=retry_after_seconds(headers.get("retry-after")),
    )


def retry_after_seconds(value: Optional[str], now: Optional[float] = None) -> Optional[float]:
    """``Retry-After`` in seconds from now: delay-seconds or an HTTP date; None if absent or unreadable."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None or when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))

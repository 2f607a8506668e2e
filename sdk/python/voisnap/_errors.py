from __future__ import annotations

from typing import Any, Dict, Optional, Type


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

    def __repr__(self) -> str:
        return (
            f"{self.__class__.__name__}(status={self.status!r}, type={self.type!r}, "
            f"code={self.code!r}, param={self.param!r}, message={self.message!r})"
        )


class InvalidRequestError(VoisnapError):
    """400: the request is invalid; ``param`` names the field."""


class AuthenticationError(VoisnapError):
    """401: the API key is missing, malformed, unknown or revoked."""


class NotFoundError(VoisnapError):
    """404: no such call in this account."""


class ConflictError(VoisnapError):
    """409: the call is past the point where it can be cancelled."""


class UnprocessableEntityError(VoisnapError):
    """422: the Idempotency-Key was already used with another request body."""


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
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def error_from_response(status: int, body: Any, text: str) -> VoisnapError:
    """The error for a response that is not a success.

    Most carry the service's error shape; API Gateway answers some requests itself (no
    Authorization header, throttling) with ``{"message": ...}``.
    """
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

    return error_class(message, status=status, type=text_field("type"), code=text_field("code"), param=text_field("param"))

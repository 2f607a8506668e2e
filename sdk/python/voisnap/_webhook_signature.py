from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any, Optional, Sequence, Union

#: Default tolerance: 5 minutes. Deliveries are signed at each attempt, so retries pass.
DEFAULT_TOLERANCE_SECONDS = 300


class WebhookVerificationError(Exception):
    """The request did not come from Voisnap as sent, or is a replay: answer it 400.

    ``reason``: ``missing_header``, ``malformed_header``, ``timestamp_out_of_tolerance`` or
    ``no_matching_signature``."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


def verify_webhook(
    payload: Union[bytes, str],
    signature_header: Optional[str],
    secret: Union[str, Sequence[str]],
    *,
    tolerance_seconds: float = DEFAULT_TOLERANCE_SECONDS,
    now: Optional[float] = None,
) -> Any:
    """Checks a webhook delivery and returns its event (the parsed JSON body).

    ``payload``: the raw body exactly as received, before any JSON parsing. ``signature_header``:
    the ``Voisnap-Signature`` header, ``t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">[,v1=...]``
    (docs/webhooks.md). ``secret``: the endpoint's ``whsec_...`` secret, or several while you
    switch secrets. ``now``: Unix seconds, for tests. Signatures are compared in constant time.

    Raises WebhookVerificationError when the header is missing or malformed, ``t`` is more than
    ``tolerance_seconds`` from now (a replay), or no ``v1`` matches a secret.
    """
    if not signature_header:
        raise WebhookVerificationError("No Voisnap-Signature header.", "missing_header")
    parts = [part.split("=", 1) for part in signature_header.split(",") if "=" in part]
    timestamps = [value.strip() for key, value in parts if key.strip() == "t"]
    signatures = [value.strip() for key, value in parts if key.strip() == "v1"]
    if not timestamps or not timestamps[0].isascii() or not timestamps[0].isdigit() or not signatures:
        raise WebhookVerificationError("The Voisnap-Signature header is not t=<seconds>,v1=<hex>.", "malformed_header")
    timestamp = timestamps[0]
    age = (time.time() if now is None else now) - int(timestamp)
    if abs(age) > tolerance_seconds:
        raise WebhookVerificationError(
            f"The signature's timestamp is {round(age)} s from now, beyond the tolerance of {tolerance_seconds} s.",
            "timestamp_out_of_tolerance",
        )
    body = payload.encode("utf-8") if isinstance(payload, str) else bytes(payload)
    signed = timestamp.encode("ascii") + b"." + body
    for each in [secret] if isinstance(secret, str) else list(secret):
        expected = hmac.new(each.encode("utf-8"), signed, hashlib.sha256).hexdigest()
        if any(hmac.compare_digest(expected, signature.lower()) for signature in signatures if signature.isascii()):
            return json.loads(body.decode("utf-8"))
    raise WebhookVerificationError("No signature of the delivery matches the secret.", "no_matching_signature")

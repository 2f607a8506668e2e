from __future__ import annotations

from ._outbound_calls import OutboundCalls
from ._transport import Transport

DEFAULT_BASE_URL = "https://api.voisnap.ai"


class Voisnap:
    """The Voisnap API client.

    ``api_key``: ``vsnp_live_...``, or ``vsnp_test_...`` for calls that only reach the carrier
    simulator. ``base_url``: ``https://api.voisnap.ai`` by default; ``http://localhost:3000`` for the
    local stack. ``timeout``: seconds to wait for the server on each attempt. ``max_retries``:
    retries after a 429, a 5xx, a network error or a timeout, with exponential backoff.
    """

    def __init__(self, api_key: str, base_url: str = DEFAULT_BASE_URL, *, timeout: float = 30.0, max_retries: int = 2) -> None:
        if not api_key:
            raise ValueError('api_key is required: Voisnap(api_key="vsnp_live_...").')
        self.outbound_calls = OutboundCalls(Transport(api_key, base_url, timeout, max_retries))

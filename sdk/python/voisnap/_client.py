from __future__ import annotations

from ._campaigns import Campaigns
from ._outbound_calls import OutboundCalls
from ._suppressions import Suppressions
from ._transport import Transport
from ._webhooks import Webhooks

DEFAULT_BASE_URL = "https://api.voisnap.ai"


class Voisnap:
    """The Voisnap API client.

    ``api_key``: ``vsnp_live_...``, or ``vsnp_test_...`` for calls that only reach the carrier
    simulator. ``base_url``: ``https://api.voisnap.ai`` by default; ``http://localhost:3000`` for the
    local stack. ``timeout``: seconds to wait for the server on each attempt. ``max_retries``:
    retries after a 429, a 5xx, a network error or a timeout, with exponential backoff, or after the
    wait the answer's ``Retry-After`` asks (up to a minute).
    """

    def __init__(self, api_key: str, base_url: str = DEFAULT_BASE_URL, *, timeout: float = 30.0, max_retries: int = 2) -> None:
        if not api_key:
            raise ValueError('api_key is required: Voisnap(api_key="vsnp_live_...").')
        transport = Transport(api_key, base_url, timeout, max_retries)
        self.outbound_calls = OutboundCalls(transport)
        self.campaigns = Campaigns(transport)
        self.suppressions = Suppressions(transport)
        self.webhooks = Webhooks(transport)

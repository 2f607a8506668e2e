from __future__ import annotations

from typing import Any, Dict, Iterator, Mapping, Optional

from ._models import to_camel
from ._transport import Transport


class ApiObject(Dict[str, Any]):
    """An object of the API as it answered, a ``dict`` of its camelCase JSON, whose fields also read
    as snake_case attributes: ``campaign.counts["total"]``, ``endpoint.disabled_reason``. Fields a
    newer API adds are there as they come; a missing one raises AttributeError."""

    def __getattr__(self, name: str) -> Any:
        for key in (name, to_camel(name)):
            if key in self:
                return _wrap(self[key])
        raise AttributeError(f"{type(self).__name__} has no field {name!r} ({to_camel(name)!r} in the API)")


def _wrap(value: Any) -> Any:
    if isinstance(value, dict) and not isinstance(value, ApiObject):
        return ApiObject(value)
    if isinstance(value, list):
        return [_wrap(item) for item in value]
    return value


class Pages:
    """The items of a paged list. Iterating fetches the pages one by one: the first request sends
    the filters, each next one the same filters with the previous page's ``nextCursor`` as
    ``cursor`` (the API wants the filters again with a cursor). Iterating again starts over."""

    def __init__(self, transport: Transport, path: str, filters: Mapping[str, Any], first_page: Optional[int] = None) -> None:
        self._transport = transport
        self._path = path
        self._filters = dict(filters)
        self._first_page = first_page

    def __iter__(self) -> Iterator[ApiObject]:
        query: Dict[str, Any] = {**self._filters, "page": self._first_page}
        while True:
            page = self._transport.request("GET", self._path, query=query)
            for item in page["data"]:
                yield ApiObject(item)
            if page.get("nextCursor") is None:
                return
            query = {**self._filters, "cursor": page["nextCursor"]}

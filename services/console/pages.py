"""The lists' pages: `page` and `page_size` as the API names them, and the links of a page bar."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from flask import request

PAGE_SIZES = (20, 50, 100)  # 100 is the APIs' largest page


def page_params() -> dict:
    """The request's page and size, kept within what the APIs accept (a hand-edited URL gets the nearest)."""
    def whole(name: str, default: int, low: int, high: int) -> int:
        try:
            return min(max(int(request.args.get(name, default)), low), high)
        except ValueError:
            return default
    return {"page": whole("page", 1, 1, 1_000_000), "page_size": whole("page_size", PAGE_SIZES[0], 1, 100)}


@dataclass(frozen=True)
class Pagination:
    page: int
    page_size: int
    total: int

    @property
    def last(self) -> int:
        return max((self.total + self.page_size - 1) // self.page_size, 1)

    @property
    def previous(self) -> int | None:
        return self.page - 1 if self.page > 1 else None

    @property
    def next(self) -> int | None:
        return self.page + 1 if self.page < self.last else None

    def link(self, page: int) -> str:
        """This page's URL with another page number, every filter kept."""
        args = request.args.to_dict()
        args["page"] = str(page)
        return f"{request.path}?{urlencode(args)}"


def pagination(listing: dict) -> Pagination:
    return Pagination(listing["page"], listing["page_size"], listing["total"])

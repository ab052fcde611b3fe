"""A list page's query: the search box, the filters and the order as the API's own query parameters, and the
page links under the table. Only what the visitor chose is sent on (an empty select means "any")."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

PAGE_SIZES = (20, 50, 100)


@dataclass(frozen=True)
class Listing:
    params: dict  # sent to the API: q, filters, sort, page, page_size
    page: int
    page_size: int

    def link(self, **changes) -> str:
        """The query string of this list with some parameters changed (a page link, another order)."""
        merged = {**self.params, **changes}
        return "?" + urlencode({name: value for name, value in merged.items() if value not in (None, "")})

    def pages(self, total: int) -> dict:
        last = max(1, -(-total // self.page_size))
        return {"page": self.page, "last": last, "total": total,
                "previous": self.link(page=self.page - 1) if self.page > 1 else None,
                "next": self.link(page=self.page + 1) if self.page < last else None}


def listing(args, names: tuple[str, ...], sorts: tuple[str, ...] = ()) -> Listing:
    """`names`: the search and filter parameters the page passes on; `sorts`: the orders it offers (the first
    is the default, not sent)."""
    params = {name: args.get(name, "").strip() for name in names if args.get(name, "").strip()}
    if sorts and args.get("sort") in sorts[1:]:
        params["sort"] = args["sort"]
    page = _whole(args.get("page"), 1, 1, 1_000_000)
    page_size = _whole(args.get("page_size"), PAGE_SIZES[0], 1, PAGE_SIZES[-1])
    if page > 1:
        params["page"] = page
    if page_size != PAGE_SIZES[0]:
        params["page_size"] = page_size
    return Listing(params, page, page_size)


def _whole(text, default: int, low: int, high: int) -> int:
    try:
        value = int(text)
    except (TypeError, ValueError):
        return default
    return min(max(value, low), high)

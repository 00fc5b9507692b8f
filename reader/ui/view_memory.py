"""What the main screen remembers across restarts: sort, filter, selected article, width mode.

Kept as one JSON setting so a restart restores the view in one read, with the first screen
(`Preload.view`). Anything unreadable in it falls back to the defaults, never to an error.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from reader.core.listing import SortKey


@dataclass(frozen=True)
class ViewState:
    sort: SortKey = SortKey.DATE
    reverse: bool = False
    filter: str = ""
    selected: int | None = None
    """The id of the article last shown."""
    full_width: bool = False
    """`w`: the article across the whole pane instead of the reading measure."""

    def to_json(self) -> str:
        return json.dumps({**asdict(self), "sort": self.sort.value})

    @classmethod
    def from_json(cls, raw: str | None) -> ViewState:
        try:
            data = json.loads(raw or "{}")
            selected = data.get("selected")
            return cls(
                sort=SortKey(data.get("sort", SortKey.DATE.value)),
                reverse=data.get("reverse") is True,
                filter=str(data.get("filter", ""))[:500],
                selected=selected if isinstance(selected, int) else None,
                full_width=data.get("full_width") is True,
            )
        except (ValueError, TypeError, AttributeError):
            return cls()

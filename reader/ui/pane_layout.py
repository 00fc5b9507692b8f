"""Which panes the main screen shows at a given terminal width, and how wide.

Pure arithmetic (no Textual), so every width can be tested. The stylesheet draws what this
decides: the screen sets one CSS class per outcome (`-narrow`, `-hide-list`, `-hide-reading`,
`-notes-open`) and app.tcss sizes the panes with the same numbers as below.

The rules, for a terminal `width` columns wide:
- Under `NARROW` columns there is one pane at a time, as in mutt or newsboat: the list, full
  width; `enter` opens the article full-screen and `q`/`escape` come back.
- From `NARROW` up, the list and the article stand side by side (the list takes `LIST_SHARE`,
  at least `LIST_MIN`), unless full-screen reading is on (`z`).
- The notes panel takes `NOTES_SHARE` (`NOTES_MIN`…`NOTES_MAX`). It never leaves the article
  fewer than `ARTICLE_MIN` columns: beside it the list narrows to `LIST_SHARE_BESIDE_NOTES`,
  then gives way to the notes; where even that leaves too little, the notes replace the article.
"""

from __future__ import annotations

from dataclasses import dataclass

NARROW = 100
"""Terminals narrower than this show one pane at a time."""
ARTICLE_MIN = 40
LIST_SHARE, LIST_MIN, LIST_MAX = 0.42, 46, 90
LIST_SHARE_BESIDE_NOTES, LIST_MIN_BESIDE_NOTES = 0.26, 30
NOTES_SHARE, NOTES_MIN, NOTES_MAX = 0.32, 30, 64


@dataclass(frozen=True)
class PaneLayout:
    """What is shown; the widths are what the stylesheet will give each pane."""

    narrow: bool
    show_list: bool
    show_reading: bool
    show_notes: bool
    list_width: int
    notes_width: int
    article_width: int

    @property
    def classes(self) -> dict[str, bool]:
        """The main screen's CSS classes for this layout."""
        return {
            "-narrow": self.narrow,
            "-hide-list": not self.show_list,
            "-hide-reading": not self.show_reading,
            "-notes-open": self.show_notes,
        }


def _clamp(value: float, low: int, high: int) -> int:
    return int(max(low, min(high, value)))


def arrange(width: int, *, reading: bool, notes: bool) -> PaneLayout:
    """The panes for a terminal `width` wide.

    Args:
        reading: full-screen reading is on (by `z`, or by opening an article when narrow).
        notes: the notes panel is open (it needs the article, so it implies reading when
            narrow).
    """
    narrow = width < NARROW
    notes_width = _clamp(width * NOTES_SHARE, NOTES_MIN, NOTES_MAX) if notes else 0
    if narrow or reading:
        show_list, list_width = not (reading or notes), width
        if not show_list:
            list_width = 0
    elif notes:
        list_width = _clamp(width * LIST_SHARE_BESIDE_NOTES, LIST_MIN_BESIDE_NOTES, LIST_MAX)
        show_list = width - list_width - notes_width >= ARTICLE_MIN
        list_width = list_width if show_list else 0
    else:
        show_list, list_width = True, _clamp(width * LIST_SHARE, LIST_MIN, LIST_MAX)
    show_reading = not (narrow and show_list)
    if show_reading and notes and width - list_width - notes_width < ARTICLE_MIN:
        show_reading, notes_width = False, width - list_width  # the notes replace the article
    article = width - list_width - notes_width if show_reading else 0
    return PaneLayout(narrow, show_list, show_reading, notes, list_width, notes_width, article)

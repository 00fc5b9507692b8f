"""How callouts, definition lists and right-to-left paragraphs look in the reading pane at
80×24, and that the mouse selects the words it is over on a right-to-left line.

Update the pictures after an intended change with
`pytest tests/ui/test_faithful_layout.py --snapshot-update` and look at them in
snapshot_report.html before committing.
"""

from __future__ import annotations

from pathlib import Path

from textual.app import App, ComposeResult
from textual.pilot import Pilot

from reader.core.models import ArticleMeta, Block, BlockKind
from reader.ui.widgets.reading_view import ReadingView

P = BlockKind.PARAGRAPH

CALLOUTS = (
    Block(P, "Before the box, an ordinary paragraph of text."),
    Block(
        BlockKind.CALLOUT,
        "Laid-out lines know which offsets they show, so search hits land on the right cells."
        "\nThat holds inside the box too.",
        marker="Note",
        language="note",
    ),
    Block(
        BlockKind.CALLOUT,
        "Never break a line inside a word of code.",
        marker="Warning: Mind the gap",
        language="warning",
    ),
    Block(BlockKind.TERM, "Kinsoku"),
    Block(BlockKind.DEFINITION, "The rules for where Japanese and Chinese lines may not break."),
    Block(BlockKind.TERM, "Bidi"),
    Block(BlockKind.DEFINITION, "Drawing right-to-left text, with left-to-right words inside it."),
)

RTL = (
    Block(
        P,
        "עברית נכתבת מימין לשמאל, ומילים באנגלית כמו Python או מספרים כמו 2024 נשארים"
        " משמאל לימין בתוך השורה. כל שורה מיושרת לימין.",
    ),
    Block(P, "مرحبا بالعالم، هذا نص عربي (with English words) و 123 أرقام في سطر واحد طويل."),
)


class Host(App[None]):
    """A bare app with one reading view, and the passages the reader selected."""

    def __init__(self, blocks: tuple[Block, ...]) -> None:
        super().__init__()
        self.blocks = blocks
        self.selected: list[tuple[int, int]] = []

    def compose(self) -> ComposeResult:
        yield ReadingView()

    def on_reading_view_selection_made(self, message: ReadingView.SelectionMade) -> None:
        self.selected.append((message.start, message.end))


async def show(pilot: Pilot) -> None:
    app = pilot.app
    assert isinstance(app, Host)
    view = app.query_one(ReadingView)
    view.focus()
    view.show_article(Path("/library/faithful.md"), ArticleMeta("Faithful articles"))
    view.append_blocks(app.blocks)
    view.finish()
    await app.workers.wait_for_complete()
    await pilot.pause(0.2)


def test_callout_and_definition_list_at_80x24(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(Host(CALLOUTS), terminal_size=(80, 24), run_before=show)


def test_rtl_paragraphs_at_80x24(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(Host(RTL), terminal_size=(80, 24), run_before=show)


async def test_a_mouse_drag_over_a_right_to_left_word_selects_that_word() -> None:
    app = Host(RTL)
    async with app.run_test(size=(80, 24)) as pilot:
        await show(pilot)
        view = app.query_one(ReadingView)
        word = "מימין"
        drawn = word[::-1]
        for y in range(view.scrollable_content_region.height):
            text = view.render_line(y).text
            if drawn in text:
                left = text.index(drawn)
                break
        else:
            raise AssertionError("the word is not in view")
        right = left + len(word) - 1
        # From its first letter (drawn rightmost) to its last (leftmost), as a reader drags.
        await pilot.mouse_down(view, offset=(right, y))
        await pilot.hover(view, offset=(right - 2, y))
        await pilot.hover(view, offset=(left, y))
        await pilot.mouse_up(view, offset=(left, y))
        await pilot.pause()
        assert view.selection is not None
        assert view.text[slice(*view.selection)] == word
        await pilot.press("h")
        await pilot.pause()
        assert [view.text[a:b] for a, b in app.selected] == [word]

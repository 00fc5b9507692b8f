"""ReadingView under Pilot: what a reader sees, scrolls to, clicks, and how big articles open."""

from __future__ import annotations

from pathlib import Path

from textual.app import App, ComposeResult
from textual.pilot import Pilot

from reader.core.models import ArticleMeta, Block, BlockKind, Document, Span, SpanKind
from reader.ui.widgets.reading_view import PAGE_OVERLAP, ReadingView

P = BlockKind.PARAGRAPH
FILLER = "lorem ipsum dolor sit amet " * 8


def paragraphs(count: int) -> tuple[Block, ...]:
    return tuple(Block(P, f"Paragraph {i} {FILLER}".strip()) for i in range(count))


class Host(App[None]):
    """A bare app that mounts one ReadingView and records the messages it posts."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.positions: list[int] = []

    def compose(self) -> ComposeResult:
        yield ReadingView()

    def on_reading_view_link_activated(self, message: ReadingView.LinkActivated) -> None:
        self.links.append(message.target)

    def on_reading_view_scrolled(self, message: ReadingView.Scrolled) -> None:
        self.positions.append(message.top_offset)


def visible(view: ReadingView) -> list[str]:
    return [view.render_line(y).text for y in range(view.scrollable_content_region.height)]


async def open_article(
    pilot: Pilot, blocks: tuple[Block, ...], *, wait: bool = True
) -> ReadingView:
    view = pilot.app.query_one(ReadingView)
    view.focus()
    view.show_article(Path("/library/article.md"), ArticleMeta("The Title", author="Ann"))
    view.append_blocks(blocks)
    view.finish()
    if wait:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    return view


async def test_header_and_first_paragraph_are_shown_centred() -> None:
    async with Host().run_test(size=(100, 30)) as pilot:
        view = await open_article(pilot, paragraphs(3))
        lines = visible(view)
        assert lines[0].strip() == "The Title"
        assert lines[1].strip() == "Ann"
        assert "words" in lines[2] and "/library/article.md" in lines[2]
        first = next(line for line in lines if "Paragraph 0" in line)
        margin = len(first) - len(first.lstrip())
        assert margin == (view.scrollable_content_region.width - 80) // 2
        assert max(len(line.strip()) for line in lines) <= 80


async def test_loading_and_skipped_messages() -> None:
    async with Host().run_test(size=(100, 30)) as pilot:
        view = pilot.app.query_one(ReadingView)
        view.show_loading()
        await pilot.pause()
        assert "Loading…" in visible(view)[0]
        view.show_message("Skipped: not a text file")
        await pilot.pause()
        assert "Skipped: not a text file" in visible(view)[0]


async def test_page_down_and_up_move_by_a_page() -> None:
    async with Host().run_test(size=(100, 30)) as pilot:
        view = await open_article(pilot, paragraphs(50))
        before = visible(view)
        await pilot.press("space")
        page = 30 - PAGE_OVERLAP
        assert view.scroll_y == page
        assert visible(view)[0] == before[page]
        await pilot.press("b")
        assert view.scroll_y == 0
        await pilot.press("j", "j")
        assert view.scroll_y == 2


async def test_scroll_to_offset_and_top_offset_agree() -> None:
    blocks = paragraphs(200)
    document = Document(blocks)
    async with Host().run_test(size=(100, 30)) as pilot:
        view = await open_article(pilot, blocks)
        target = document.block_starts[120]
        view.scroll_to_offset(target + 5)
        await pilot.pause()
        assert "Paragraph 120" in visible(view)[0]
        assert view.top_offset == target
        view.scroll_to_offset(target, center=True)
        await pilot.pause()
        assert any("Paragraph 120" in line for line in visible(view)[10:20])
        await pilot.press("j")
        await pilot.pause()
        assert pilot.app.positions[-1] == view.top_offset


async def test_a_remembered_position_asked_for_before_the_text_arrives_is_honoured() -> None:
    blocks = paragraphs(300)
    target = Document(blocks).block_starts[250]
    async with Host().run_test(size=(100, 30)) as pilot:
        view = pilot.app.query_one(ReadingView)
        view.show_article(Path("/library/article.md"), ArticleMeta("The Title"))
        view.scroll_to_offset(target)
        view.append_blocks(blocks[:100])
        await pilot.pause()
        view.append_blocks(blocks[100:])
        view.finish()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert "Paragraph 250" in visible(view)[0]
        assert view.top_offset == target


async def test_clicking_a_link_posts_its_target() -> None:
    text = "Read the manual before you start."
    link = Block(P, text, spans=(Span(9, 15, SpanKind.LINK, "https://example.com/manual"),))
    async with Host().run_test(size=(100, 30)) as pilot:
        view = await open_article(pilot, (*paragraphs(1), link))
        assert [(x.text, x.target) for x in view.links] == [
            ("manual", "https://example.com/manual")
        ]
        y, row = next((y, row) for y, row in enumerate(visible(view)) if "manual" in row)
        x = row.index("manual")
        await pilot.click(ReadingView, offset=(x - 1, y))
        assert pilot.app.links == []
        await pilot.click(ReadingView, offset=(x + 2, y))
        assert pilot.app.links == ["https://example.com/manual"]


async def test_full_width_toggle_relays_out_and_keeps_position() -> None:
    blocks = paragraphs(100)
    async with Host().run_test(size=(140, 30)) as pilot:
        view = await open_article(pilot, blocks)
        view.scroll_to_offset(Document(blocks).block_starts[40])
        await pilot.pause()
        top = view.top_offset
        assert max(len(line.strip()) for line in visible(view)) <= 80
        view.full_width = True
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert view.text_width == view.scrollable_content_region.width - 4
        assert max(len(line.strip()) for line in visible(view)) > 100
        assert "Paragraph 40" in visible(view)[0]
        assert abs(view.top_offset - top) < 200


async def test_ranges_are_drawn_over_the_text() -> None:
    blocks = paragraphs(3)
    document = Document(blocks)
    start = document.text.index("Paragraph 1")
    async with Host().run_test(size=(100, 30)) as pilot:
        view = await open_article(pilot, blocks)
        view.set_ranges("search", [(start, start + len("Paragraph 1"))], "search-hit")
        await pilot.pause()
        y = next(y for y, row in enumerate(visible(view)) if "Paragraph 1" in row)
        hit = "".join(s.text for s in view.render_line(y) if s.style and s.style.reverse)
        assert hit == "Paragraph 1"
        view.clear_ranges("search")
        assert not any(s.style and s.style.reverse for s in view.render_line(y))


async def test_hostile_text_never_reaches_the_terminal() -> None:
    evil = Block(P, "[bold]x[/] [@click=app.quit]y[/] \x1b[2J\x1b]0;pwned\x07 \u202eabc")
    async with Host().run_test(size=(100, 30)) as pilot:
        view = await open_article(pilot, (evil,))
        segments = [s.text for y in range(30) for s in view.render_line(y)]
        shown = "".join(segments)
        assert "[bold]x[/] [@click=app.quit]y[/]" in shown
        assert "\x1b" not in shown and "\x07" not in shown and "\u202e" not in shown


async def test_a_megabyte_article_paints_before_layout_ends_and_all_is_reachable() -> None:
    blocks = paragraphs(4500)  # ~1 MB of text
    assert len(Document(blocks).text) > 1_000_000
    async with Host().run_test(size=(100, 30)) as pilot:
        view = await open_article(pilot, blocks, wait=False)
        assert any("Paragraph 0" in line for line in visible(view))
        assert view.virtual_size.height < 100  # the rest is still being laid out
        await pilot.press("G")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert view.virtual_size.height > 4500 * 3
        assert any("Paragraph 4499" in line for line in visible(view))
        last = [line for line in visible(view) if line.strip()][-1]
        assert last.strip().endswith("sit amet")

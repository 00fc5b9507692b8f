"""The article list as a user meets it: what the rows say, keys, clicks, filter, sort, 100k rows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.message import Message

from reader.core import filter_scan
from reader.core.listing import SortKey
from reader.core.models import ArticleSummary
from reader.ui.widgets.article_list import ArticleList


def summary(
    article_id: int, title: str, *, day: int | None = None, words: int = 1_610, **fields: object
) -> ArticleSummary:
    return ArticleSummary(
        id=article_id,
        path=Path(f"/library/{article_id}.md"),
        title=title,
        source=f"site{article_id}.example",
        date=dt.datetime(2024, 3, day) if day else None,
        words=words,
        **fields,  # type: ignore[arg-type]
    )


ROWS = [
    summary(1, "Rust ownership", day=9, author="Ann Lee"),
    summary(2, "A Café in Paris", day=8, read=True, has_notes=True),
    summary(3, "Bread baking", day=7, tags=("food",)),
    summary(4, "Undated notes", words=0),
    summary(5, "Zebra crossings", day=6, read=True),
]


class ListHost(App[None]):
    """The smallest app that shows an ArticleList and remembers what it posted."""

    def __init__(self, rows: list[ArticleSummary]) -> None:
        super().__init__()
        self.rows = rows
        self.posted: list[Message] = []

    def compose(self) -> ComposeResult:
        yield ArticleList(self.rows, id="articles")

    def on_article_list_highlighted(self, message: ArticleList.Highlighted) -> None:
        self.posted.append(message)

    def on_article_list_selected(self, message: ArticleList.Selected) -> None:
        self.posted.append(message)

    def on_article_list_counts_changed(self, message: ArticleList.CountsChanged) -> None:
        self.posted.append(message)

    def last(self, kind: type[Message]) -> Message | None:
        return next((m for m in reversed(self.posted) if isinstance(m, kind)), None)


def screen_lines(articles: ArticleList) -> list[str]:
    return [articles.render_line(y).text for y in range(articles.scrollable_content_region.height)]


def shown_titles(articles: ArticleList) -> list[str]:
    return [line[4:].split("  ")[0].strip() for line in screen_lines(articles) if line.strip()]


async def test_rows_show_read_and_notes_marks_title_source_date_and_reading_time() -> None:
    app = ListHost(ROWS)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        lines = screen_lines(app.query_one(ArticleList))
        assert lines[0].startswith(" ●  Rust ownership ")
        assert "site1.example" in lines[0]
        assert "2024-03-09" in lines[0]
        assert lines[0].rstrip().endswith("7 min")
        assert lines[1].startswith("  ✎ A Café in Paris")  # read: no dot; has notes: ✎
        assert lines[4].startswith(" ●  Undated notes")  # undated and empty sort last
        assert "2024" not in lines[4] and "min" not in lines[4]
        assert all(len(line) == len(lines[0]) for line in lines)


async def test_narrow_terminals_drop_source_then_date() -> None:
    app = ListHost(ROWS)
    async with app.run_test(size=(60, 10)) as pilot:
        await pilot.pause()
        first = screen_lines(app.query_one(ArticleList))[0]
        assert "site1.example" not in first and "2024-03-09" in first and "7 min" in first
        await pilot.resize_terminal(40, 10)
        await pilot.pause()
        first = screen_lines(app.query_one(ArticleList))[0]
        assert "2024-03-09" not in first and "7 min" in first
        assert first.startswith(" ●  Rust ownership")


async def test_keys_move_the_cursor_and_post_highlighted() -> None:
    app = ListHost(ROWS)
    async with app.run_test(size=(100, 30)) as pilot:
        articles = app.query_one(ArticleList)
        articles.focus()
        await pilot.pause()
        assert articles.cursor_summary is not None and articles.cursor_summary.id == 1
        await pilot.press("j", "j")
        assert articles.cursor_row == 2
        await pilot.press("k")
        assert articles.cursor_summary is not None and articles.cursor_summary.id == 2
        await pilot.press("G")
        assert articles.cursor_summary is not None and articles.cursor_summary.id == 4
        await pilot.press("j")  # stays on the last row
        assert articles.cursor_row == 4
        await pilot.press("g")
        assert articles.cursor_row == 0
        highlighted = app.last(ArticleList.Highlighted)
        assert isinstance(highlighted, ArticleList.Highlighted) and highlighted.summary.id == 1
        assert [m.summary.id for m in app.posted if isinstance(m, ArticleList.Highlighted)] == [
            1,
            2,
            3,
            2,
            4,
            1,
        ]


async def test_the_cursor_row_is_drawn_highlighted() -> None:
    app = ListHost(ROWS)
    async with app.run_test(size=(100, 30)) as pilot:
        articles = app.query_one(ArticleList)
        articles.focus()
        await pilot.press("j")
        backgrounds = [
            {segment.style.bgcolor for segment in articles.render_line(y) if segment.style}
            for y in range(3)
        ]
        assert backgrounds[0] == backgrounds[2]
        assert backgrounds[1].isdisjoint(backgrounds[0])
        app.set_focus(None)  # the cursor stays visible, in the theme's blurred cursor colour
        await pilot.pause()
        blurred = {segment.style.bgcolor for segment in articles.render_line(1) if segment.style}
        assert blurred.isdisjoint(backgrounds[1]) and blurred.isdisjoint(backgrounds[0])


async def test_enter_posts_selected_for_the_cursor_article() -> None:
    app = ListHost(ROWS)
    async with app.run_test(size=(100, 30)) as pilot:
        app.query_one(ArticleList).focus()
        await pilot.press("j", "enter")
        selected = app.last(ArticleList.Selected)
        assert isinstance(selected, ArticleList.Selected) and selected.summary.id == 2


async def test_clicking_a_row_highlights_it_and_clicking_it_again_opens_it() -> None:
    app = ListHost(ROWS)
    async with app.run_test(size=(100, 30)) as pilot:
        articles = app.query_one(ArticleList)
        await pilot.click(ArticleList, offset=(10, 2))
        assert articles.cursor_row == 2
        assert app.last(ArticleList.Selected) is None
        await pilot.click(ArticleList, offset=(10, 2))
        selected = app.last(ArticleList.Selected)
        assert isinstance(selected, ArticleList.Selected) and selected.summary.id == 3
        await pilot.click(ArticleList, offset=(10, 20))  # below the last row: nothing happens
        assert articles.cursor_row == 2


async def test_filter_narrows_the_rows_keeps_the_cursor_and_reports_counts() -> None:
    app = ListHost(ROWS)
    async with app.run_test(size=(100, 30)) as pilot:
        articles = app.query_one(ArticleList)
        articles.focus()
        await pilot.press("j", "j")  # on "Bread baking"
        articles.filter("a")
        await pilot.pause()
        assert articles.cursor_summary is not None and articles.cursor_summary.id == 3
        articles.filter("cafe")  # the cursor's article is gone: first row
        await pilot.pause()
        assert shown_titles(articles) == ["A Café in Paris"]
        assert articles.cursor_summary is not None and articles.cursor_summary.id == 2
        assert articles.counts == (1, 5)
        counts = app.last(ArticleList.CountsChanged)
        assert isinstance(counts, ArticleList.CountsChanged)
        assert (counts.shown, counts.total) == (1, 5)
        articles.filter("zzz")
        await pilot.pause()
        assert screen_lines(articles)[0].strip() == "No articles match 'zzz'"
        assert articles.cursor_summary is None
        articles.filter("")
        await pilot.pause()
        assert len(shown_titles(articles)) == 5


async def test_sort_changes_the_order() -> None:
    app = ListHost(ROWS)
    async with app.run_test(size=(100, 30)) as pilot:
        articles = app.query_one(ArticleList)
        articles.sort_by(SortKey.TITLE)
        await pilot.pause()
        assert shown_titles(articles) == [
            "A Café in Paris",
            "Bread baking",
            "Rust ownership",
            "Undated notes",
            "Zebra crossings",
        ]
        assert articles.cursor_summary is not None and articles.cursor_summary.id == 1


async def test_hostile_titles_show_literally() -> None:
    rows = [summary(1, "[bold]x[/bold] [@click=app.quit]y[/]", day=2), summary(2, "a\x1b[31mred")]
    app = ListHost(rows)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        lines = screen_lines(app.query_one(ArticleList))
        assert "[bold]x[/bold] [@click=app.quit]y[/]" in lines[0]
        assert "a␛[31mred" in lines[1]
        assert all("\x1b" not in line for line in lines)


async def test_empty_list_says_so_and_fills_as_articles_arrive() -> None:
    app = ListHost([])
    async with app.run_test(size=(100, 30)) as pilot:
        articles = app.query_one(ArticleList)
        await pilot.pause()
        assert screen_lines(articles)[0].strip() == "No articles"
        articles.upsert(ROWS[2:4])
        await pilot.pause()
        assert shown_titles(articles) == ["Bread baking", "Undated notes"]
        articles.focus()
        await pilot.press("j")  # on "Undated notes"
        articles.upsert(ROWS[:2])  # newer articles stream in above the cursor
        await pilot.pause()
        assert articles.cursor_summary is not None and articles.cursor_summary.id == 4
        assert articles.counts == (4, 4)
        articles.update_state(1, read=True)
        articles.remove([2])
        await pilot.pause()
        assert screen_lines(articles)[0].startswith("    Rust ownership")
        assert articles.counts == (3, 3)


async def test_100k_articles_mount_and_end_goes_to_the_last_row() -> None:
    rows = [summary(i, f"Article {i}", day=1 + i % 28, words=i % 5_000) for i in range(100_000)]
    app = ListHost(rows)
    async with app.run_test(size=(100, 30)) as pilot:
        articles = app.query_one(ArticleList)
        articles.focus()
        await pilot.press("G")
        last = articles.cursor_summary
        assert articles.cursor_row == 99_999 and last is not None
        assert last.title in screen_lines(articles)[-1]
        await pilot.press("space")  # a page down at the end stays on the last row
        assert articles.cursor_row == 99_999
        assert articles.select_id(5)
        assert articles.cursor_summary is not None and articles.cursor_summary.id == 5
        assert "Article 5 " in "".join(screen_lines(articles))


async def test_a_list_filled_and_sorted_before_mounting_shows_its_rows() -> None:
    articles = ArticleList()
    articles.set_summaries(ROWS)
    articles.sort_by(SortKey.TITLE)
    articles.filter("a")

    class Early(ListHost):
        def compose(self) -> ComposeResult:
            yield articles

    app = Early([])
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert shown_titles(articles)[:2] == ["A Café in Paris", "Bread baking"]
        assert articles.cursor_row == 2  # the cursor kept its article through the sort
        highlighted = app.last(ArticleList.Highlighted)
        assert isinstance(highlighted, ArticleList.Highlighted) and highlighted.summary.id == 1


async def test_large_list_filters_in_a_worker_and_keeps_up_with_new_rows() -> None:
    rows = [summary(i, f"Article {i}", day=1 + i % 28) for i in range(30_000)]
    rows.append(summary(30_000, "The needle in the haystack", day=1))
    app = ListHost(rows)
    async with app.run_test(size=(100, 30)) as pilot:
        articles = app.query_one(ArticleList)
        articles.filter("needle")
        assert articles.filter_text == "needle"
        for _ in range(100):
            if articles.counts == (1, 30_001):
                break
            await pilot.pause(0.02)
        assert [row.title for row in articles.rows] == ["The needle in the haystack"]
        # Rows arriving while a match runs: the filter is applied to them too.
        articles.filter("needles")
        articles.upsert([summary(40_000, "More needles", day=2)])
        for _ in range(100):
            if [row.title for row in articles.rows] == ["More needles"]:
                break
            await pilot.pause(0.02)
        assert [row.title for row in articles.rows] == ["More needles"]
        assert articles.counts == (1, 30_002)


async def test_a_large_list_shows_a_filters_first_rows_before_any_worker_answers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(filter_scan, "BUDGET", 10.0)  # a busy machine must not change the answer
    topics = ("hills", "rivers")
    rows = [summary(i, f"Article {i} about {topics[i % 2]}") for i in range(30_000)]
    rows.append(summary(30_000, "The only zeppelin", day=1))
    app = ListHost(rows)
    async with app.run_test(size=(100, 20)) as pilot:
        articles = app.query_one(ArticleList)
        for _ in range(100):  # the list readies itself for filtering, off the event loop
            if articles.filtering_ready:
                break
            await pilot.pause(0.05)
        articles.filter("rivers")
        # In the same frame: a screenful of matching rows, the full count still to come.
        assert articles.counting
        assert len(articles.rows) >= 20
        assert all("rivers" in row.title for row in articles.rows)
        for _ in range(100):  # then every match, counted by a worker
            if not articles.counting:
                break
            await pilot.pause(0.05)
        assert articles.counts == (15_000, 30_001)
        for _ in range(40):  # the message saying so reaches the host a moment later
            if app.last(ArticleList.CountsChanged).shown == 15_000:  # type: ignore[union-attr]
                break
            await pilot.pause(0.05)
        assert app.last(ArticleList.CountsChanged).shown == 15_000  # type: ignore[union-attr]
        # A rare word is found in full by the quick scan: no worker, no wait.
        articles.filter("zeppelin")
        assert not articles.counting
        assert [row.title for row in articles.rows] == ["The only zeppelin"]

"""Search as a user meets it: type, see ranked results, open one at its hits, n/N, find."""

from __future__ import annotations

from pathlib import Path

from tests.ui.helpers import app_for, screen_text, wait_loaded, wait_until

SIZE = (130, 40)


def write(library: Path, name: str, text: str) -> None:
    (library / name).write_text(text, encoding="utf-8")


async def test_type_see_results_open_at_the_hits_and_step_through_them(
    library: Path, data_dir: Path
) -> None:
    write(
        library,
        "otters.md",
        "---\ntitle: Otters of the river\n---\n\n"
        + "\n\n".join(f"Paragraph {i} about the river and its otter colony." for i in range(60)),
    )
    app = app_for(library, data_dir=data_dir)
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_loaded(pilot, app)
        await pilot.press("slash", *"otter")
        await wait_until(pilot, lambda: "Otters of the river" in screen_text(app))
        assert "result" in screen_text(app)
        await pilot.press("enter")
        await wait_until(pilot, lambda: screen.current.title == "Otters of the river")
        await wait_until(pilot, lambda: len(screen._hits) == 60)
        await wait_until(pilot, lambda: "1/60" in screen_text(app))
        text = screen.article_text
        first = screen._hits[0]
        assert text[first[0] : first[1]].lower().startswith("otter")
        await pilot.press("n", "n")
        await pilot.pause()
        assert "3/60" in screen_text(app)
        third = screen._hits[2][0]
        assert screen.reading_view.top_offset <= third  # scrolled to show it
        await pilot.press("N")
        await pilot.pause()
        assert "2/60" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert "2/60" not in screen_text(app)
        assert screen._hits == []


async def test_stemming_finds_other_forms_and_a_title_match_ranks_first(
    library: Path, data_dir: Path
) -> None:
    write(library, "body.md", "---\ntitle: Gardening\n---\n\nA story about killers in the hedge.\n")
    write(library, "title.md", "---\ntitle: The killer next door\n---\n\nNothing else here.\n")
    app = app_for(library, data_dir=data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("slash", *"killers", "enter")
        await wait_until(pilot, lambda: app.screen_stack[0].current.title == "The killer next door")


async def test_find_in_article_is_smart_case_and_literal(library: Path, data_dir: Path) -> None:
    app = app_for(library, data_dir=data_dir)
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_loaded(pilot, app)
        await pilot.press("f", *"hackers", "enter", "enter")
        await wait_until(pilot, lambda: screen.article_text and "F**k" in screen.article_text)
        await pilot.press("ctrl+f", *"f**k")
        await wait_until(pilot, lambda: "Find “f**k”" in screen_text(app))
        literal = [screen.article_text[a:b] for a, b in screen._hits]
        assert literal and all(hit.lower() == "f**k" for hit in literal)
        await pilot.press("enter", "escape")
        await pilot.press("ctrl+f", *"Red Rooms")
        await wait_until(pilot, lambda: "Find “Red Rooms”" in screen_text(app))
        assert screen._hits
        assert all(screen.article_text[a:b] == "Red Rooms" for a, b in screen._hits)
        await pilot.press("enter", "escape", "ctrl+f", *"red rooms")
        await wait_until(pilot, lambda: "Find “red rooms”" in screen_text(app))
        found = {screen.article_text[a:b] for a, b in screen._hits}
        assert "Red Rooms" in found  # lower case needle: case-insensitive


async def test_hostile_query_is_shown_inert_and_finds_nothing_harmful(
    library: Path, data_dir: Path
) -> None:
    app = app_for(library, data_dir=data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("slash", *'[@click=app.quit]x[/] "unbalanced -', "enter")
        await pilot.pause(0.5)
        assert app.is_running
        assert "@click=app.quit" in screen_text(app)


async def test_a_saved_search_is_a_folder_of_its_articles(library: Path, data_dir: Path) -> None:
    write(library, "a.md", "---\ntitle: Badgers at dawn\n---\n\nBadgers dig.\n")
    write(library, "b.md", "---\ntitle: More badgers\n---\n\nA badger sleeps.\n")
    app = app_for(library, data_dir=data_dir)
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_loaded(pilot, app)
        await pilot.press("slash", *"badger")
        await wait_until(pilot, lambda: "2 results" in screen_text(app))
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "1 ★ badger" in screen_text(app))
        await pilot.press("escape", "1")
        await wait_until(pilot, lambda: screen.article_list.counts[0] == 2)
        titles = sorted(row.title for row in screen.article_list.rows)
        assert titles == ["Badgers at dawn", "More badgers"]
        assert "★ badger" in screen_text(app)
        await pilot.press("0")
        await wait_until(pilot, lambda: screen.article_list.counts[0] == 5)
    # Saved searches are remembered.
    app = app_for(library, data_dir=data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot, app)
        await wait_until(pilot, lambda: "1 ★ badger" in screen_text(app))


async def test_a_note_is_found_by_search_and_marked_as_a_note(
    library: Path, data_dir: Path
) -> None:
    app = app_for(library, data_dir=data_dir)
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_loaded(pilot, app)
        await pilot.press("a", *"zanzibarish thought")
        await wait_until(pilot, lambda: screen.notes_panel.status.startswith("saved"))
        await pilot.press("escape", "slash", *"zanzibarish")
        await wait_until(pilot, lambda: "✎ note" in screen_text(app), timeout=20)
        assert "1 result" in screen_text(app)


async def test_every_result_can_be_reached_though_a_screenful_is_shown_first(
    library: Path, data_dir: Path
) -> None:
    for number in range(30):
        write(library, f"heron{number:02d}.md", f"# Heron note {number}\n\nA heron waded by.\n")
    app = app_for(library, data_dir=data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("slash", *"heron")
        await wait_until(pilot, lambda: "30 results" in screen_text(app))
        results = app.screen.query_one("#search-results")
        await wait_until(pilot, lambda: results.option_count == 30)
        await pilot.press("down", "end")  # into the list, then its last result
        await pilot.pause()
        assert results.highlighted == 29
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen_stack[0].current is not None)
        assert app.screen_stack[0].current.title.startswith("Heron note")


async def test_a_note_saved_by_another_reader_becomes_searchable_here(
    library: Path, data_dir: Path, monkeypatch
) -> None:
    """A second window (another process) saves a note while this app holds the search
    index: the note waits in the outbox, and this app takes it in without a restart."""
    import reader.ui.screens.main as main_module
    from reader.core.notes import NotesStore
    from reader.core.store import Store

    monkeypatch.setattr(main_module, "OUTBOX_POLL", 0.3)
    app = app_for(library, data_dir=data_dir)
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_loaded(pilot, app)
        other = Store.open(data_dir)  # as the second process opens it
        notes = NotesStore.for_store(other)
        notes.save_note(screen.current.id, "quokkaesque remark", expected_version=0)
        notes.close()
        other.close()
        await pilot.press("slash", *"quokkaesque")
        await wait_until(pilot, lambda: "no results" not in screen_text(app).lower())
        await wait_until(pilot, lambda: "✎ note" in screen_text(app), timeout=20)

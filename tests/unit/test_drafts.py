"""Drafts: text the database refused, kept in plain files that only ever grow."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from reader.core.drafts import (
    SAVED_SUFFIX,
    DraftKey,
    DraftNotWritten,
    Drafts,
    drafts_dir,
    drafts_notice,
    unsaved_drafts,
)
from reader.core.notes.errors import NotesDiskFull, NotesReadOnly

FULL = NotesDiskFull("cannot save the note: the disk is full (data directory /data)")
NOON = 1_767_268_800.0  # a fixed clock: file names are predictable


def drafts(data_dir: Path) -> Drafts:
    return Drafts(data_dir, clock=lambda: NOON)


def test_a_refused_note_is_written_to_a_draft_named_by_time_and_article(tmp_path: Path) -> None:
    path = drafts(tmp_path).keep(DraftKey(12), "my thoughts", about="“Essay”", reason=str(FULL))
    assert path.parent == drafts_dir(tmp_path)
    assert path.name.endswith("-article-12-note.txt") and path.name[:8].isdigit()
    text = path.read_text(encoding="utf-8")
    assert "A note that reader could not save, on article 12: “Essay”" in text
    assert "Why: cannot save the note: the disk is full" in text
    assert text.endswith("\nmy thoughts\n")


def test_later_failures_append_new_versions_and_repeat_nothing(tmp_path: Path) -> None:
    book = drafts(tmp_path)
    key = DraftKey(1)
    first = book.keep(key, "one", about="", reason="full")
    assert book.keep(key, "one", about="", reason="full") == first  # the same text: not again
    assert book.keep(key, "one two", about="", reason="full") == first
    text = first.read_text(encoding="utf-8")
    assert text.count("\none\n") == 1
    assert text.index("\none\n") < text.index("\none two\n")  # newest last, nothing overwritten
    assert [p.name for p in unsaved_drafts(tmp_path)] == [first.name]


def test_notes_and_comments_of_one_article_get_their_own_files(tmp_path: Path) -> None:
    book = drafts(tmp_path)
    note = book.keep(DraftKey(3), "note", about="", reason="")
    comment = book.keep(DraftKey(3, "comment", "9f8e7d6c5b4a"), "comment", about="", reason="")
    assert note != comment
    assert comment.name.endswith("-article-3-comment-9f8e7d6c.txt")
    assert "A highlight comment that reader could not save" in comment.read_text("utf-8")


def test_a_second_window_never_writes_over_the_first_ones_draft(tmp_path: Path) -> None:
    mine = drafts(tmp_path).keep(DraftKey(5), "mine", about="", reason="")
    theirs = drafts(tmp_path).keep(DraftKey(5), "theirs", about="", reason="")
    assert mine != theirs
    assert mine.read_text("utf-8").endswith("\nmine\n")
    assert theirs.read_text("utf-8").endswith("\ntheirs\n")


def test_a_later_save_keeps_the_draft_but_stops_counting_it(tmp_path: Path) -> None:
    book = drafts(tmp_path)
    key = DraftKey(7)
    path = book.keep(key, "kept words", about="", reason="")
    renamed = book.saved(key)
    assert renamed is not None and renamed.name.endswith(SAVED_SUFFIX)
    assert not path.exists() and "kept words" in renamed.read_text("utf-8")
    assert unsaved_drafts(tmp_path) == [] and drafts_notice(tmp_path) is None
    again = book.keep(key, "fails again", about="", reason="")  # a new failure: a new draft
    assert again != path and unsaved_drafts(tmp_path) == [again]  # same second, new name
    assert book.saved(key) != renamed  # saved again: the first saved draft is not replaced
    assert "kept words" in renamed.read_text("utf-8")
    assert book.saved(DraftKey(99)) is None  # no draft: nothing to do


def test_the_start_notice_counts_drafts_and_says_where(tmp_path: Path) -> None:
    assert drafts_notice(tmp_path) is None  # no drafts folder at all
    book = drafts(tmp_path)
    book.keep(DraftKey(1), "a", about="", reason="")
    notice = drafts_notice(tmp_path)
    assert notice is not None and notice.startswith(f"1 unsaved draft is in {drafts_dir(tmp_path)}")
    book.keep(DraftKey(2), "b", about="", reason="")
    notice = drafts_notice(tmp_path)
    assert notice is not None and notice.startswith("2 unsaved drafts are in")


def test_a_draft_that_cannot_be_written_says_where_and_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(fd: int, data: object) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", full)
    book = drafts(tmp_path)
    with pytest.raises(DraftNotWritten) as raised:
        book.keep(DraftKey(1), "text", about="", reason="")
    assert str(drafts_dir(tmp_path)) in str(raised.value)
    assert os.strerror(errno.ENOSPC) in str(raised.value)
    failed = book.keep_refused(DraftKey(1), "text", FULL, "")
    assert failed.draft is None and failed.disk_full
    assert "no draft could be written" in failed.status
    assert failed.message("the editor").endswith("Your text is only in the editor: copy it.")


def test_a_data_dir_that_is_a_file_cannot_hold_drafts(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("not a folder", encoding="utf-8")
    with pytest.raises(DraftNotWritten):
        drafts(blocker).keep(DraftKey(1), "text", about="", reason="")
    assert unsaved_drafts(blocker) == []


def test_what_the_reader_is_told_names_the_disk_and_the_draft(tmp_path: Path) -> None:
    failed = drafts(tmp_path).keep_refused(DraftKey(4), "words", FULL, "“Essay”")
    assert failed.draft is not None and failed.draft.is_file()
    assert failed.title == "Disk full"
    assert failed.status == f"disk full; draft in {failed.draft}"
    assert failed.message("the editor") == (
        f"{FULL}. Your text is kept in the editor and in the draft {failed.draft}."
    )
    read_only = NotesReadOnly("cannot save the note: the data directory is read-only")
    other = drafts(tmp_path).keep_refused(DraftKey(4), "words", read_only, "")
    assert other.title == "Not saved" and other.status.startswith(str(read_only))

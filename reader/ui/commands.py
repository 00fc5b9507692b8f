"""Every action a user can take, once: the command palette and the help screen read this table."""

from __future__ import annotations

from typing import NamedTuple


class Command(NamedTuple):
    title: str
    action: str
    """An action string run against the main screen (`app.` for the app's own)."""
    help: str
    keys: str = ""


COMMANDS: tuple[Command, ...] = (
    Command("Open article", "open_article", "Open the article under the cursor to read", "enter"),
    Command("Switch pane", "switch_pane", "Move focus between the list and the article", "tab"),
    Command("Filter articles", "focus_filter", "Type to filter the list by title/author/tag", "f"),
    Command("Clear filter", "clear_filter", "Show every article again", "escape"),
    Command("Sort: next order", "cycle_sort", "Cycle date → title → recently read → path", "s"),
    Command("Sort by date", "sort_by('date')", "Newest first", ""),
    Command("Sort by title", "sort_by('title')", "A to Z", ""),
    Command("Sort by recently read", "sort_by('recent')", "Last read first", ""),
    Command("Sort by path", "sort_by('path')", "Folder and file name", ""),
    Command("Search library", "search", "Ranked full-text search over articles and notes", "/"),
    Command("Find in article", "find", "Find text in the open article", "ctrl+f"),
    Command("Next hit", "next_hit", "Jump to the next search hit", "n"),
    Command("Previous hit", "previous_hit", "Jump to the previous search hit", "N"),
    Command("Toggle read", "toggle_read", "Mark the article read or unread", "u"),
    Command("Full width", "toggle_full_width", "Toggle the comfortable measure", "w"),
    Command("Follow a link", "show_links", "List the article's links and follow one", "o"),
    Command("Skipped files", "show_skipped", "Files that were not loaded, and why", "S"),
    Command("Rescan library", "rescan", "Look for new, changed and removed files", "R"),
    Command("Help", "app.help", "Every key and command", "?"),
    Command("Notes panel", "toggle_notes", "Show or hide the article's note and highlights", "a"),
    Command("Select text", "select_text", "Select a passage to highlight (h) or comment (c)", "v"),
    Command("All notes", "all_notes", "Every note and highlight in the library", "A"),
    Command("Next highlight", "next_highlight", "Go to the next highlight in the article", "]"),
    Command("Previous highlight", "previous_highlight", "Go to the previous highlight", "["),
    Command("Comment on highlight", "comment_highlight", "Edit the comment and colour", "c"),
    Command("Delete highlight", "delete_highlight", "Delete the highlight in view", "x"),
    Command("Undo delete", "undo_delete", "Bring back the last deleted highlight", "U"),
    Command(
        "Export notes",
        "export_notes",
        "Write every note and highlight as Markdown (asks where; default: the data folder)",
        "",
    ),
)

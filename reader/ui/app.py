"""ReaderApp: bindings, commands, theme memory and screen set-up; services are injected."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Iterable, Sequence
from pathlib import Path

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from reader.core.config import Settings
from reader.core.sanitize import inert
from reader.core.session import LibrarySession
from reader.ui.commands import COMMANDS
from reader.ui.screens.main import MainScreen
from reader.ui.workers import WorkerFailures, background

THEME_SETTING = "theme"


class ReaderApp(App[None]):
    """A terminal reader for a library of articles."""

    CSS_PATH = "app.tcss"
    TITLE = "reader"
    BINDINGS = [
        Binding("q", "quit", "Quit", id="quit"),
        Binding("question_mark", "help", "Help", id="help"),
        Binding("ctrl+p", "command_palette", "Commands", id="commands", show=False),
        Binding("t", "change_theme", "Theme", id="theme", show=False),
    ]

    def __init__(self, session: LibrarySession, warnings: Sequence[str] = ()) -> None:
        super().__init__()
        self.session = session
        self.startup_warnings = list(warnings)
        self._theme_restored = False
        self._quit_anyway = False
        self.worker_failures = WorkerFailures(lambda: self.session.data_dir, self._show_failure)
        """Where every worker's failure goes: a log file and one line on screen."""

    def get_default_screen(self) -> Screen:
        return MainScreen(self.session)

    def on_mount(self) -> None:
        self._quit_on_signals()
        for warning in self.startup_warnings:
            self.notify(inert(warning), severity="warning", markup=False)

    def _quit_on_signals(self) -> None:
        """SIGTERM, SIGHUP (the terminal closed) and a SIGINT sent from outside (ctrl+c is a
        key here, not a signal) quit the app as `q` does, with the shell's status 128 + N.

        Killed by the default action, the app left the terminal in raw mode on its alternate
        screen and saved nothing; handled on the event loop, Textual restores the terminal and
        the scan's worker processes are stopped on the way out. A signal ignored when the app
        started (`nohup`) stays ignored. Headless (tests), the test runner's signals are left
        alone.
        """
        if self.is_headless:
            return
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            if signal.getsignal(signum) is not signal.SIG_IGN:
                with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                    loop.add_signal_handler(signum, self._quit_for_signal, signum)

    def _quit_for_signal(self, signum: int) -> None:
        """Save what `q` saves (no question can be asked now), then exit with 128 + signum."""
        screen = self.screen_stack[0] if self.screen_stack else None
        if isinstance(screen, MainScreen) and screen.is_mounted:
            with contextlib.suppress(Exception):  # a failed save must not keep the app up
                screen.save_position_now()
        self.exit(return_code=128 + signum)

    def _show_failure(self, message: str) -> None:
        self.notify(message, title="Error", severity="error", timeout=12, markup=False)

    def restore_theme(self, name: str | None) -> None:
        """Called once the store is open: the theme the user last chose."""
        if name and name in self.available_themes:
            self.theme = name
        self._theme_restored = True

    def watch_theme(self, theme: str) -> None:
        if self._theme_restored:
            self._save_theme(theme)

    @background("saving the theme", group="settings", exclusive=True)
    def _save_theme(self, theme: str) -> None:
        self.session.set_setting(THEME_SETTING, theme)

    def action_help(self) -> None:
        from reader.ui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every action of the app, from the same table the help screen shows."""
        for command in COMMANDS:
            yield SystemCommand(
                command.title,
                command.help,
                lambda action=command.action: self.run_action(action, screen),
            )
        yield SystemCommand("Theme", "Change the colour theme", self.action_change_theme)
        yield SystemCommand("Quit", "Quit reader", self.action_quit)

    async def action_quit(self) -> None:
        screen = self.screen_stack[0] if self.screen_stack else None
        if isinstance(screen, MainScreen):
            screen.save_position_now()  # also saves a note typed in the last half second
            unsaved = screen.notes_panel.pending() if screen.is_mounted else None
            if unsaved is not None and not self._quit_anyway:
                self._quit_anyway = True  # a second q means it
                self.notify(
                    "Your note could not be saved (see the notes panel). Copy it somewhere, "
                    "then press q again to quit without it.",
                    title="Note not saved",
                    severity="error",
                    timeout=20,
                    markup=False,
                )
                return
        self.exit()

    def on_unmount(self) -> None:
        self.session.close()


def make_app(
    roots: Sequence[Path],
    data_dir: Path,
    settings: Settings | None = None,
    warnings: Sequence[str] = (),
    *,
    session: LibrarySession | None = None,
) -> ReaderApp:
    """The one factory the CLI and the tests use."""
    session = session or LibrarySession(roots, data_dir, settings or Settings())
    return ReaderApp(session, warnings)

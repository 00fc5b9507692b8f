"""Helpers for driving the real app under Pilot."""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.pilot import Pilot

from reader.ui.app import ReaderApp, make_app
from reader.ui.screens.main import MainScreen


def app_for(*roots: Path, data_dir: Path) -> ReaderApp:
    return make_app([root.resolve() for root in roots], data_dir)


def screen_text(app: ReaderApp) -> str:
    """Everything on screen as plain text, the way a person sees it (top screen only)."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips)


def screen_segments(app: ReaderApp) -> list[str]:
    """The raw text of every segment on screen, to check nothing unsafe reaches the terminal."""
    return [segment.text for strip in app.screen._compositor.render_strips() for segment in strip]


async def wait_until(pilot: Pilot, predicate, timeout: float = 15.0) -> None:  # type: ignore[no-untyped-def]
    """Await the UI until `predicate()` holds (workers finish, screens update)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError("the app never reached the expected state")
        await pilot.pause(0.05)


def main_screen(app: ReaderApp) -> MainScreen:
    screen = app.screen_stack[0]
    assert isinstance(screen, MainScreen)
    return screen


async def wait_loaded(pilot: Pilot, app: ReaderApp) -> MainScreen:
    """Until the first scan is over and an article is shown."""
    screen = main_screen(app)
    await wait_until(pilot, lambda: not screen.scanning and screen.current is not None)
    await wait_until(pilot, lambda: screen.article_text is not None)
    await wait_until(pilot, lambda: screen.reading_view.finished)
    await pilot.pause()
    return screen


def toasts(app: ReaderApp) -> list[str]:
    """The text of every notification on screen (title and message), unwrapped.

    The app must run with `run_test(notifications=True)` for toasts to be drawn.
    """
    return [" ".join(toast.render().plain.split()) for toast in app.screen.query("Toast")]

"""Whether a web link can be handed to a browser here, and handing it over.

Over SSH or on a console there is no browser to open, and Python's `webbrowser` then falls
back to text browsers (lynx, w3m) that would take over the very terminal the app draws in. So
without a display and without `BROWSER` the app does not try, and offers to copy the address
instead. When `webbrowser` says it failed (returns False or raises), that is reported the same
way.
"""

from __future__ import annotations

import os
import sys
import webbrowser
from collections.abc import Mapping

DISPLAY_VARIABLES = ("DISPLAY", "WAYLAND_DISPLAY", "MIR_SOCKET")
"""Any of these set means a graphical session, where `webbrowser` finds a real browser."""


def browser_problem(
    environ: Mapping[str, str] | None = None, platform: str | None = None
) -> str | None:
    """Why no browser can be opened from here, or None when one probably can.

    Args:
        environ: the environment (the process's own by default).
        platform: `sys.platform` (macOS and Windows always have a way to open a link).
    """
    environ = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    if platform in ("darwin", "win32", "cygwin") or environ.get("BROWSER"):
        return None
    if any(environ.get(name) for name in DISPLAY_VARIABLES):
        return None
    return "there is no display here (as over SSH) and BROWSER is not set"


def open_url(url: str) -> str | None:
    """Ask the system's browser to open `url`; the reason it could not, or None if it did."""
    try:
        opened = webbrowser.open(url, new=2)
    except Exception as error:  # webbrowser.Error, OSError from a broken BROWSER command
        return f"the browser could not be started ({type(error).__name__}: {error})"
    return None if opened else "no browser could be found"

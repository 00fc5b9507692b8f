"""`reader [PATH …]`: open the app."""

from __future__ import annotations

import argparse

from reader.cli.common import EXIT_CODES, build_context, complain, say_stopped


def run_app(args: argparse.Namespace) -> int:
    context = build_context(args)
    if not context.roots:
        for warning in context.warnings:
            complain(warning)
        complain("nothing to open")
        return 2
    from reader.core.session import LibrarySession

    session = LibrarySession(context.roots, context.data_dir, context.settings)
    session.preload()  # before Textual is imported: the list can paint in the first frame
    from reader.cli.native_stderr import native_stderr_to
    from reader.ui.app import make_app

    with native_stderr_to(context.data_dir / "reader.log"):
        app = make_app(
            context.roots, context.data_dir, context.settings, context.warnings, session=session
        )
        app.run()
    code = app.return_code or 0
    for signum, status in EXIT_CODES.items():
        if code == status:  # the app quit on this signal (see ReaderApp._quit_on_signals)
            return say_stopped(signum)
    return code

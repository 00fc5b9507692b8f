"""What following a link does: open it in the browser (after showing it), open another
article of the library, or refuse with a message. The policy itself is `reader.ui.links`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from reader.core.sanitize import inert

if TYPE_CHECKING:
    from reader.ui.links import LocalArticle
    from reader.ui.screens.main import MainScreen


class LinkHandler:
    """Follows links on behalf of the main screen."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen

    def activate(self, target: str) -> None:
        """Follow `target`: a place in this article, another article, or a web address."""
        screen = self.screen
        current = screen.current
        if current is None:
            return
        from reader.ui.links import Anchor, External, LocalArticle, Refused, classify_link

        action = classify_link(target, article_path=current.path, roots=screen.session.roots)
        if isinstance(action, External):
            from reader.ui.screens.confirm_link import ConfirmLinkScreen

            screen.app.push_screen(ConfirmLinkScreen(action.url))
        elif isinstance(action, LocalArticle):
            self._open_local(action)
        elif isinstance(action, Anchor):
            view = screen.reading_view
            view.jump_to_anchor(action.name, self._no_such_anchor, source=current.path)
        elif isinstance(action, Refused):
            screen.notify(
                f"Link not followed: {inert(action.reason)}\n{inert(target, limit=300)}",
                severity="warning",
                markup=False,
            )

    def _no_such_anchor(self, name: str) -> None:
        self.screen.notify(
            f"This article has no place called “#{inert(name, limit=200)}”",
            severity="warning",
            markup=False,
        )

    def _open_local(self, action: LocalArticle) -> None:
        screen = self.screen
        article_id = screen.session.id_for_path(action.path)
        summary = screen.article_list.summary_for(article_id) if article_id is not None else None
        if summary is None:
            screen.notify(
                f"Not an article of this library: {inert(str(action.path), limit=300)}",
                severity="warning",
                markup=False,
            )
            return
        screen.article_list.select_id(summary.id)
        screen.open_summary(summary)

    def show_picker(self, links: Sequence[object]) -> None:
        from reader.ui.screens.link_picker import LinkPickerScreen

        if not links:
            self.screen.notify("This article has no links", timeout=2, markup=False)
            return

        def chosen(target: str | None) -> None:
            if target:
                self.activate(target)

        self.screen.app.push_screen(LinkPickerScreen(links), chosen)

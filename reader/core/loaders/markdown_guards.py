"""Inline rules that keep markdown-it close to linear on hostile Markdown.

markdown-it's link rule walks from each `[` towards its `]` token by token, and the footnote
rule scans from each `[^` to the next space or `]`. On ordinary text these walks are short; on
a paragraph of thirty thousand unclosed `[` or `[^` they rescan the rest of the paragraph from
each one (a 60 KB file took minutes). The guards below answer "this cannot be a link or a
footnote" cheaply, so the stock rules only run where one might start, and give the same result
wherever they run. Inline nesting is also kept to markdown-it's CommonMark default: the cost of
each unclosed bracket grows with it, and no article nests links or emphasis twenty deep.
"""

from __future__ import annotations

import re
from weakref import WeakKeyDictionary

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from mdit_py_plugins.footnote.index import footnote_ref

MAX_INLINE_NESTING = 20
"""How deep links and emphasis may nest; deeper markup is shown as text."""
MAX_FOOTNOTE_LABEL = 999
"""CommonMark's longest link label; a longer `[^...]` is text, not a footnote reference."""

_LABEL_STOP = re.compile(r"[ \n\]]")


def guard(md: MarkdownIt) -> None:
    """Put the guards in front of `md`'s link and footnote reference rules."""
    md.inline.ruler.before("link", "unclosed_bracket", _unclosed_bracket)
    if "footnote_ref" in (rule.name for rule in md.inline.ruler.__rules__):
        md.inline.ruler.at("footnote_ref", _footnote_ref)


def parse_inline_with(md: MarkdownIt, inline: MarkdownIt) -> None:
    """Make `md` parse the inline content of its blocks with `inline`'s rules and options.

    Blocks may nest deeper than inline markup needs to, and markdown-it has one nesting
    option for both, so a second instance (configured like `md`) holds the inline one.
    """

    def parse_inlines(state: StateCore) -> None:
        for token in state.tokens:
            if token.type == "inline":
                if token.children is None:
                    token.children = []
                inline.inline.parse(token.content, inline, state.env, token.children)

    md.core.ruler.at("inline", parse_inlines)


_LAST_CLOSE: WeakKeyDictionary[StateInline, int] = WeakKeyDictionary()
"""Where the last `]` of each inline state's source is, found once per state. (Keyed by the
state, not the text: a cache keyed by an equal but distinct string compares it whole on
every lookup.)"""


def _last_close(state: StateInline) -> int:
    last = _LAST_CLOSE.get(state)
    if last is None:
        last = _LAST_CLOSE[state] = state.src.rfind("]")
    return last


def _unclosed_bracket(state: StateInline, silent: bool) -> bool:
    """A `[` or `![` with no `]` after it is text: no link, image or footnote starts there."""
    src, pos = state.src, state.pos
    opener = src[pos] == "[" or (src[pos] == "!" and src.startswith("[", pos + 1))
    if not opener or _last_close(state) > pos:
        return False
    if not silent:
        _append_text(state, src[pos])
    state.pos += 1
    return True


def _append_text(state: StateInline, text: str) -> None:
    """Add literal text; `pending +=` copies all pending text each time where markdown-it-py
    (4 and later) buffers it."""
    append = getattr(state, "append_pending", None)
    if append is not None:
        append(text)
    else:
        state.pending += text


def _footnote_ref(state: StateInline, silent: bool) -> bool:
    """The footnote reference rule, run only where a defined label closes nearby."""
    src, start = state.src, state.pos
    if not src.startswith("[^", start):
        return False
    refs = state.env.get("footnotes", {}).get("refs")
    if not refs:
        return False
    stop = _LABEL_STOP.search(src, start + 2, min(state.posMax, start + 3 + MAX_FOOTNOTE_LABEL))
    if stop is None or stop.group() != "]" or ":" + src[start + 2 : stop.start()] not in refs:
        return False
    return footnote_ref(state, silent)

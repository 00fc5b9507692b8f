"""Markdown dialects people save: MDX, JSX and HTML blocks, admonitions, GitHub alerts,
definition lists and entities. What the reading view gets (through the public loader) and what
the indexer gets (`load_for_index`): the same words, and none of the syntax that is dropped."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from reader.core.loaders import load_bytes, load_for_index, markdown_doc, open_stream
from reader.core.loaders.markdown_doc import iter_markdown_blocks
from reader.core.models import Article, ArticleStream, Block, BlockKind, SpanKind

H, P, LI, Q = BlockKind.HEADING, BlockKind.PARAGRAPH, BlockKind.LIST_ITEM, BlockKind.QUOTE
CODE, CALLOUT = BlockKind.CODE, BlockKind.CALLOUT
TERM, DEF = BlockKind.TERM, BlockKind.DEFINITION


def load(source: str) -> Article:
    article = load_bytes("doc.md", source.encode())
    assert isinstance(article, Article), article
    return article


def blocks(source: str) -> tuple[Block, ...]:
    return load(source).document.blocks


def shown(source: str) -> list[tuple[BlockKind, str]]:
    return [(block.kind, block.text) for block in blocks(source)]


def callouts(source: str) -> list[tuple[str, str, str]]:
    """(title, type, text) of each callout."""
    return [(b.marker, b.language, b.text) for b in blocks(source) if b.kind is CALLOUT]


def index_text(tmp_path: Path, source: str) -> str:
    path = tmp_path / "doc.md"
    path.write_text(source, encoding="utf-8")
    article = load_for_index(path)
    assert isinstance(article, Article), article
    return article.document.text


def words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.casefold()))


def visible_words(source: str) -> set[str]:
    """The words the reading view shows: the blocks' text and the callouts' titles."""
    return set().union(
        *(words(f"{b.text} {b.marker if b.kind is CALLOUT else ''}") for b in blocks(source))
    )


# Each fixture: (Markdown, the blocks it shows, syntax that neither path may show)
FIXTURES: dict[str, tuple[str, list[tuple[BlockKind, str]], tuple[str, ...]]] = {
    "mdx heading ids": (
        "## Install {/*install*/}\n\nRun it.\n\n### Use it {/* use-it */}\n",
        [(H, "Install"), (P, "Run it."), (H, "Use it")],
        ("{/", "/}", "*", "use-it"),
    ),
    "mdx comments": (
        "{/* a comment on its own line */}\n\nBefore {/* inline remark */} after.\n\n"
        "{/*\nlong\n\nremark over a blank line\n*/}\n\nEnd.\n",
        [(P, "Before after."), (P, "End.")],
        ("{/", "/}", "comment", "remark", "long"),
    ),
    "heading attributes": (
        "# Title {#custom-id}\n\n## Second {#second .wide}\n\nSetext {#set}\n------\n\n"
        "### Kramdown {: #kram}\n\n#### Classy {.note}\n",
        [(H, "Title"), (H, "Second"), (H, "Setext"), (H, "Kramdown"), (H, "Classy")],
        ("{", "}", "custom", "wide", "kram"),
    ),
    "import and export lines": (
        "import Tabs from '@theme/Tabs';\nimport TabItem from '@theme/TabItem';\n"
        "import {\n  Alpha,\n  Beta,\n} from './parts';\n\n"
        "export const meta = {author: 'someone'};\n\n# Doc\n\n"
        "import the data first, then export it.\n\n```js\nimport x from 'y'\n```\n",
        [(H, "Doc"), (P, "import the data first, then export it."), (CODE, "import x from 'y'")],
        ("@theme", "TabItem", "Alpha", "parts", "meta", "someone"),
    ),
    "jsx with text": (
        "<Note>Be careful with **this** &amp; that</Note>\n\n"
        '<Callout type="warn">\nMulti-line *text* inside\n</Callout>\n',
        [(P, "Be careful with this & that"), (P, "Multi-line text inside")],
        ("<", ">", "*", "warn", "Callout", "&amp;"),
    ),
    "jsx tabs": (
        '<Tabs\n  groupId="os"\n  defaultValue="linux">\n'
        '<TabItem value="a" label="Apple">\n\nContent **one**\n\n</TabItem>\n'
        '<TabItem value="b">\n  - listed item\n</TabItem>\n</Tabs>\n',
        [(P, "Content one"), (LI, "listed item")],
        ("<", "Tab", "groupId", "linux", "Apple", "value", "- "),
    ),
    "jsx without text": (
        '<img src="a.png" />\n\n<br/>\n\n<div className="x" />\n\n'
        '<Image\n  src="diagram.png"\n  width={300}\n/>\n\nAfter.\n',
        [(P, "After.")],
        ("<", "src", "diagram", "className", "300"),
    ),
    "details and summary": (
        "<details>\n<summary>More</summary>\n<!-- not shown -->\nInner with **bold**\n</details>\n",
        [(P, "More"), (P, "Inner with bold")],
        ("<", "summary", "not shown", "*"),
    ),
    "admonition": (
        "!!! note\n    Body *text* &mdash; here.\n\n    Second paragraph.\n\nAfter.\n",
        [(CALLOUT, "Body text — here.\nSecond paragraph."), (P, "After.")],
        ("!!!", "&mdash;", "*"),
    ),
    "admonition with title": (
        '!!! warning "Mind the gap"\n    Step *carefully*.\n',
        [(CALLOUT, "Step carefully.")],
        ("!!!", '"', "*"),
    ),
    "collapsible admonition": (
        '??? tip\n    Folded.\n\n???+ danger "Open"\n    Unfolded.\n',
        [(CALLOUT, "Folded."), (CALLOUT, "Unfolded.")],
        ("???", "+"),
    ),
    "docusaurus container": (
        ":::tip\n\nA tip.\n\nTwo paragraphs.\n\n:::\n\n:::note[Custom title]\nInside.\n:::\n\n"
        "::: warning Careful now\nWarned.\n:::\n",
        [(CALLOUT, "A tip.\nTwo paragraphs."), (CALLOUT, "Inside."), (CALLOUT, "Warned.")],
        (":::", "[", "]"),
    ),
    "github alerts": (
        "> [!NOTE]\n> Useful.\n\n> [!TIP]\n> Helpful.\n\n> [!IMPORTANT]\n> Crucial.\n\n"
        "> [!WARNING]\n> Urgent.\n\n> [!CAUTION]\n> Risky.\n",
        [(CALLOUT, word) for word in ("Useful.", "Helpful.", "Crucial.", "Urgent.", "Risky.")],
        ("[!", "!NOTE", "]"),
    ),
    "nested content in callouts": (
        "!!! note\n    Intro.\n\n    - one\n    - two\n        1. deep\n\n"
        "    ```py\n    x = 1\n    ```\n\n> [!TIP]\n> - a\n> - b\n",
        [(CALLOUT, "Intro.\n• one\n• two\n  1. deep\nx = 1"), (CALLOUT, "• a\n• b")],
        ("!!!", "```", "[!"),
    ),
    "definition lists": (
        "Term\n: First definition\n: Second *definition*\n\nOther term\n\n"
        ":   Loose definition\n\n    with a second paragraph\n",
        [
            (TERM, "Term"),
            (DEF, "First definition"),
            (DEF, "Second definition"),
            (TERM, "Other term"),
            (DEF, "Loose definition\nwith a second paragraph"),
        ],
        (": ", "*"),
    ),
    "mkdocs content tabs": (
        '=== "tree.py"\n\n    ```python\n    print(1)\n    ```\n\n=== "Output"\n\n    Printed.\n',
        [(P, "tree.py"), (CODE, "print(1)"), (P, "Output"), (P, "Printed.")],
        ("===", '"', "```"),
    ),
}


@pytest.mark.parametrize("name", FIXTURES)
def test_dialect_blocks_and_index_words(name: str, tmp_path: Path) -> None:
    source, expected, dropped = FIXTURES[name]
    assert shown(source) == expected
    text, indexed = load(source).document.text, index_text(tmp_path, source)
    assert words(indexed) == visible_words(source)
    for syntax in dropped:
        assert syntax not in text, syntax
        assert syntax not in indexed, syntax


def test_callout_titles_and_types() -> None:
    names = (
        "admonition",
        "admonition with title",
        "collapsible admonition",
        "docusaurus container",
        "github alerts",
        "nested content in callouts",
    )
    source = "\n\n".join(FIXTURES[name][0] for name in names)
    assert [(title, kind) for title, kind, _ in callouts(source)] == [
        ("Note", "note"),  # admonition
        ("Mind the gap", "warning"),
        ("Tip", "tip"),  # collapsible
        ("Open", "danger"),
        ("Tip", "tip"),  # docusaurus
        ("Custom title", "note"),
        ("Careful now", "warning"),
        ("Note", "note"),  # github alerts
        ("Tip", "tip"),
        ("Important", "important"),
        ("Warning", "warning"),
        ("Caution", "caution"),
        ("Note", "note"),  # nested content
        ("Tip", "tip"),
    ]


def test_callout_spans_cover_their_words() -> None:
    (callout,) = blocks(
        "!!! note\n    Plain.\n\n    - a **bold** item\n    - [link](https://x.example)\n"
    )
    assert callout.text == "Plain.\n• a bold item\n• link"
    found = [(s.kind, callout.text[s.start : s.end], s.target) for s in callout.spans]
    assert found == [(SpanKind.STRONG, "bold", ""), (SpanKind.LINK, "link", "https://x.example")]


def test_callout_levels_follow_the_containers_around_them() -> None:
    doc = blocks("- item\n\n    !!! tip\n        In a list.\n\n!!! note\n    Top.\n")
    assert [(b.kind, b.text, b.level) for b in doc] == [
        (LI, "item", 0),
        (CALLOUT, "In a list.", 1),
        (CALLOUT, "Top.", 0),
    ]


def test_a_callout_with_only_a_title_shows_the_title() -> None:
    assert [(b.kind, b.text, b.marker) for b in blocks('!!! info "Just this"\n\nAfter.')] == [
        (CALLOUT, "Just this", ""),
        (P, "After.", ""),
    ]


def test_dialect_syntax_is_read_only_where_it_is_syntax() -> None:
    source = (
        "Wow!!! That worked.\n\n!!! !!!\n\n!!! note\n    Real.\n\n"
        "import this module and export it\n\nNote: a colon is prose.\n\n"
        "> [!NOTICE]\n> not an alert type\n\n> [!note]\n> lower case is one\n\n"
        "{/* never closed\n"
    )
    assert shown(source) == [
        (P, "Wow!!! That worked."),
        (P, "!!! !!!"),
        (CALLOUT, "Real."),
        (P, "import this module and export it"),
        (P, "Note: a colon is prose."),
        (Q, "[!NOTICE] not an alert type"),
        (CALLOUT, "lower case is one"),
        (P, "{/* never closed"),
    ]


def test_mdx_title_heading_after_imports_names_the_article() -> None:
    article = load("import X from './x';\n\n# Getting started {#start}\n\nBody.\n")
    assert article.meta.title == "Getting started"
    assert load("# Install {/*install*/}\n\nBody.\n").meta.title == "Install"


ENTITIES = (
    "# Fish &amp; Chips\n\nA &mdash; B&#8217;s C&nbsp;D\n\n- item &amp; more\n\n"
    "| a &amp; b |\n|---|\n| &lt;x&gt; |\n\n[link &amp; text](u) here\n\n"
    "![alt &amp; text](i.png)\n\n"
    '> quote &mdash; end\n\n!!! note "Tom &amp; Jerry"\n    body &amp; soul\n\n'
    "Term &amp; co\n: def &mdash; x\n\n<div>\nhtml &amp; text\n</div>\n\n<p>para &copy; 2024</p>\n"
)


def test_entities_are_decoded_in_every_block_kind(tmp_path: Path) -> None:
    doc = blocks(ENTITIES)
    assert [(b.kind, b.text) for b in doc] == [
        (H, "Fish & Chips"),
        (P, "A — B’s C\xa0D"),
        (LI, "item & more"),
        (BlockKind.TABLE, "a & b\n<x>"),
        (P, "link & text here"),
        (BlockKind.IMAGE, "alt & text"),
        (Q, "quote — end"),
        (CALLOUT, "body & soul"),
        (TERM, "Term & co"),
        (DEF, "def — x"),
        (P, "html & text"),
        (P, "para © 2024"),
    ]
    assert doc[7].marker == "Tom & Jerry"
    indexed = index_text(tmp_path, ENTITIES)
    assert not re.search(r"&#?\w+;", indexed)
    assert words(indexed) == visible_words(ENTITIES)


DIALECT_SAMPLE = """\
:::note Kept whole

A paragraph.

- a list

More after a blank line.
:::

Term

: definition after a blank line

{/*
a comment

over blank lines
*/}

!!! tip
    Tip body.

    More tip.

> [!WARNING]
> Alert body.

"""


def test_cutting_at_every_safe_place_keeps_dialect_blocks_whole(monkeypatch) -> None:
    source = DIALECT_SAMPLE * 4
    whole = [b for chunk in iter_markdown_blocks(source) for b in chunk]
    monkeypatch.setattr(markdown_doc, "FIRST_CHUNK", 1)
    monkeypatch.setattr(markdown_doc, "CHUNK", 1)
    chunks = list(iter_markdown_blocks(source))
    assert len(chunks) > 10
    assert [b for chunk in chunks for b in chunk] == whole
    assert [(b.kind, b.text) for b in whole[:5]] == [
        (CALLOUT, "A paragraph.\n• a list\nMore after a blank line."),
        (TERM, "Term"),
        (DEF, "definition after a blank line"),
        (CALLOUT, "Tip body.\nMore tip."),
        (CALLOUT, "Alert body."),
    ]


# --- linear time -------------------------------------------------------------------------------
# Guards for the new rules and scans (they hold on the code before them too): ten times the
# input may cost at most GROWTH times as much (linear is 10, quadratic 100).

N = 20_000
GROWTH = 40
HOSTILE = {
    "mdx openers": lambda n: "{/*" * n,
    "mdx line openers": lambda n: "{/*\n" * n,
    "mdx openers closed late": lambda n: "{/*\n" * n + "*/} x\n",
    "container openers": lambda n: ":::note\n" * n,
    "admonition openers": lambda n: "!!! note\n" * n,
    "alert openers": lambda n: "> [!NOTE]\n" * n,
    "definition markers": lambda n: "a\n: " * n,
    "esm openers": lambda n: "import {\n" * n,
    "jsx text lines": lambda n: "<Tabs>\ntext\n" * (n // 2),
    "html end tags": lambda n: "<div>\n" + "<b>\n" * (n // 2) + "</x>\n" * (n // 2),
    "heading attributes": lambda n: "# a " + "{#" * n + "}\n",
    "multi-line tag": lambda n: "<a\n" + "b\n" * n,
    "content tabs": lambda n: '=== "a"\n' * n,
}


def _cpu(path: Path, way: str) -> float:
    start = time.process_time()
    if way == "index":
        load_for_index(path)
    else:
        stream = open_stream(path)
        assert isinstance(stream, ArticleStream)
        for _ in stream.chunks:
            pass
    return time.process_time() - start


@pytest.mark.parametrize("way", ["index", "open"])
@pytest.mark.parametrize("name", HOSTILE)
def test_dialect_syntax_costs_linear_time(name: str, way: str, tmp_path: Path) -> None:
    big, small = tmp_path / "big.md", tmp_path / "small.md"
    big.write_text(HOSTILE[name](N))
    small.write_text(HOSTILE[name](N // 10))
    _cpu(small, way)  # warm up
    for _ in range(3):  # a busy machine can slow one run, not every one
        big_cost, small_cost = _cpu(big, way), max(_cpu(small, way), 0.002)
        if big_cost <= GROWTH * small_cost:
            break
    assert big_cost <= GROWTH * small_cost, (big_cost, small_cost)

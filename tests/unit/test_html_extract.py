"""Saved pages read as their authors wrote them: structure kept, nothing silently dropped.

Each fixture is a small page of one class the issue found broken (a tiny hand-written page, a
spec page in `<pre>`, xml2rfc sections with pilcrows, Wikipedia's edit links and reference
markers, headings made of anchor links, code, tables, titles). Every test reads the page through
the public loader, as the scan and the reading pane do.
"""

from __future__ import annotations

from reader.core.loaders import load_bytes
from reader.core.models import Article, BlockKind, SpanKind


def _load(html: str, name: str = "page.html") -> Article:
    article = load_bytes(name, html.encode())
    assert isinstance(article, Article), article
    return article


def _kinds(article: Article) -> list[str]:
    return [block.kind.value for block in article.document.blocks]


def _page(body: str, head: str = "") -> str:
    return f"<!doctype html><html><head>{head}</head><body>{body}</body></html>"


LONG = " ".join(
    "The committee met on a grey morning to consider the proposal in all of its parts."
    for _ in range(4)
)


def test_a_tiny_page_keeps_its_heading_paragraph_and_link_apart() -> None:
    article = _load(
        _page('<h1>Tiny</h1><p>Hello <a href="https://example.org/js">js link</a> world.</p>')
    )
    texts = [block.text for block in article.document.blocks]
    assert "TinyHello" not in article.document.text
    assert "Hello js link world." in texts
    paragraph = next(b for b in article.document.blocks if b.text.startswith("Hello"))
    link = next(span for span in paragraph.spans if span.kind is SpanKind.LINK)
    assert paragraph.text[link.start : link.end] == "js link"
    assert link.target == "https://example.org/js"


def test_a_small_page_keeps_its_lists_and_code_lines() -> None:
    article = _load(
        _page(
            "<h1>Notes</h1><p>Things to remember when you deploy.</p>"
            "<ul><li>one</li><li>two<ul><li>nested</li></ul></li></ul>"
            "<pre><code class='language-python'>def f():\n    return 1\n</code></pre>"
        )
    )
    items = [(b.text, b.level) for b in article.document.blocks if b.kind is BlockKind.LIST_ITEM]
    assert items == [("one", 0), ("two", 0), ("nested", 1)]
    code = next(b for b in article.document.blocks if b.kind is BlockKind.CODE)
    assert code.text == "def f():\n    return 1"
    assert code.language == "python"


def test_a_spec_saved_as_one_pre_keeps_all_its_text_at_its_own_layout() -> None:
    sections = []
    for number in range(1, 40):
        sections.append(
            f'<span class="h2"><a class="selflink" href="#section-{number}">{number}</a>.'
            f"  Section {number}</span>\n"
        )
        for line in range(6):
            sections.append(
                f"   This is line {line} of section {number} of the specification, which says\n"
                f"   that implementations MUST handle item{number}x{line} before the next one.\n\n"
            )
    source = "".join(sections)
    article = _load(
        _page(
            f'<div class="content"><pre>{source}</pre></div>',
            '<title>RFC 9999: Example Protocol</title><meta property="og:title" content="RFC9999">',
        )
    )
    words = article.document.text.split()
    assert len(words) >= 0.95 * len(source.split())
    assert "item39x5" in words
    assert BlockKind.PREFORMATTED.value in _kinds(article)
    assert "   that implementations MUST handle item1x0" in article.document.text
    assert article.title == "RFC 9999: Example Protocol"


def test_xml2rfc_sections_keep_their_headings_and_lose_the_pilcrows() -> None:
    parts = []
    for number in range(1, 6):
        parts.append(
            f'<section id="section-{number}"><h2 id="name-s{number}">'
            f'<a href="#section-{number}" class="section-number selfRef">{number}. </a>'
            f'<a href="#name-s{number}" class="section-name selfRef">Part {number}</a></h2>'
            f'<p id="section-{number}-1">{LONG} Section {number} ends here.'
            f'<a href="#section-{number}-1" class="pilcrow">¶</a></p></section>'
        )
    article = _load(_page(f'<div id="content">{"".join(parts)}</div>'))
    headings = [b.text for b in article.document.blocks if b.kind is BlockKind.HEADING]
    assert [h for h in headings if h.startswith(("1", "2", "3", "4", "5"))] == [
        f"{n}. Part {n}" for n in range(1, 6)
    ]
    assert "¶" not in article.document.text
    assert "Section 5 ends here." in article.document.text


def test_wikipedia_loses_edit_links_and_keeps_reference_markers_and_spaces_apart() -> None:
    body = (
        '<div id="content"><h1>Mozilla</h1>'
        '<h2><span class="mw-headline" id="History">History</span>'
        '<span class="mw-editsection"><span class="mw-editsection-bracket">[</span>'
        '<a href="/w/index.php?action=edit&section=1">edit</a>'
        '<span class="mw-editsection-bracket">]</span></span></h2>'
        f"<p>{LONG} It shipped a binary build of an open source"
        '<sup id="cite_ref-17" class="reference"><a href="#cite_note-17">[17]</a></sup> '
        "codec to play the format.</p>"
        '<p>See also: <a href="/wiki/Mozilla_Foundation">Mozilla Foundation</a> and '
        f'<a href="/wiki/Mozilla_Corporation">Mozilla Corporation</a>. {LONG}</p></div>'
    )
    article = _load(_page(body, "<title>Mozilla - Wikipedia</title>"))
    text = article.document.text
    assert "[edit]" not in text and "edit]" not in text
    assert "History" in [b.text for b in article.document.blocks if b.kind is BlockKind.HEADING]
    assert "source[17]codec" not in text
    assert "codec to play" in text
    assert "Mozilla Foundation and Mozilla Corporation" in text
    assert article.title == "Mozilla"


def test_headings_made_of_anchor_links_keep_their_text_and_lose_the_anchor_mark() -> None:
    headings = [
        '<h2 id="a"><a class="anchor" href="#a">#</a> Title A</h2>',
        '<h2><a href="#b"><span>Title B</span></a></h2>',
        '<h1><a href="#d" aria-hidden="true" class="anchor" id="d"></a>Title D</h1>',
        '<h3><a class="anchor" href="#e" aria-hidden="true"><svg><path d="M0"/></svg></a>'
        "Title E</h3>",
    ]
    body = "".join(f"{heading}<p>{LONG}</p>" for heading in headings)
    article = _load(_page(f"<article><p>{LONG}</p>{body}</article>", "<title>A post</title>"))
    found = [b.text for b in article.document.blocks if b.kind is BlockKind.HEADING]
    assert found == ["Title A", "Title B", "Title D", "Title E"]


def test_pre_text_keeps_its_lines_and_fences_inside_code_stay_inside() -> None:
    body = (
        f"<article><p>{LONG}</p><p>Write this in your README:</p>"
        "<pre><code>```python\nprint(1)\n```\n</code></pre>"
        f"<p>After the code. {LONG}</p>"
        f"<pre>Name     Size\nalpha    12\nbeta     7\n</pre><p>{LONG}</p></article>"
    )
    article = _load(_page(body))
    blocks = article.document.blocks
    code = next(b for b in blocks if b.text.startswith("```python"))
    assert code.kind is BlockKind.CODE and code.text == "```python\nprint(1)\n```"
    after = next(b for b in blocks if b.text.startswith("After the code."))
    assert after.kind is BlockKind.PARAGRAPH
    table = next(b for b in blocks if b.text.startswith("Name"))
    assert table.kind in (BlockKind.CODE, BlockKind.PREFORMATTED)
    assert table.text == "Name     Size\nalpha    12\nbeta     7"


def test_definition_lists_and_captions_keep_their_roles() -> None:
    body = (
        f"<article><p>{LONG}</p><dl><dt>Phase</dt><dd>Recruiting since March.</dd></dl>"
        '<figure><img src="https://example.org/a.png" alt="A chart of counts">'
        f"<figcaption>Counts per month</figcaption></figure><p>{LONG}</p></article>"
    )
    article = _load(_page(body))
    kinds = {b.text: b.kind for b in article.document.blocks}
    assert kinds.get("Phase") is BlockKind.TERM
    assert kinds.get("Recruiting since March.") is BlockKind.DEFINITION
    image = next(b for b in article.document.blocks if b.kind is BlockKind.IMAGE)
    assert (image.text, image.marker) == ("A chart of counts", "https://example.org/a.png")
    assert kinds.get("Counts per month") is BlockKind.CAPTION


def test_titles_prefer_a_description_over_a_bare_id_and_lose_site_names() -> None:
    rfc = _load(
        _page(
            f"<h1>HTTP Semantics</h1><p>{LONG}</p>",
            '<meta property="og:title" content="RFC9110"><title>RFC 9110: HTTP Semantics</title>',
        )
    )
    assert rfc.title == "RFC 9110: HTTP Semantics"
    atlantic = _load(
        _page(
            f"<p>{LONG}</p>",
            "<title>Why it matters &mdash; now - The Atlantic</title>"
            '<meta property="og:site_name" content="The Atlantic">',
        )
    )
    assert atlantic.title == "Why it matters — now"
    npr = _load(
        _page(
            f"<h1>Big news today</h1><p>{LONG}</p>",
            "<title>Big news today : The Two-Way : NPR</title>"
            '<meta property="og:site_name" content="NPR">',
        )
    )
    assert npr.title == "Big news today"
    bare = _load(_page(f"<p>{LONG}</p>", '<meta property="og:title" content="RFC9110">'), "x.html")
    assert bare.title != "RFC9110"


def test_a_date_stated_in_json_ld_is_the_articles_date() -> None:
    head = (
        '<script type="application/ld+json">{"@context": "https://schema.org", "@graph": '
        '[{"@type": "NewsArticle", "datePublished": "2021-03-04T10:00:00Z"}]}</script>'
    )
    article = _load(_page(f"<article><p>{LONG}</p></article>", head))
    assert article.meta.date is not None
    assert (article.meta.date.year, article.meta.date.month, article.meta.date.day) == (2021, 3, 4)


def test_the_header_says_when_a_page_was_read_by_a_fallback() -> None:
    from pathlib import Path

    from reader.ui.document_layout import layout_header

    small = _load(
        _page(
            "<h1>Notes</h1><p>Things to remember when you deploy.</p>"
            "<ul><li>one</li><li>two</li></ul>"
        )
    )
    header = [line.text for line in layout_header(small.meta, Path("/lib/notes.html"), 60)]
    assert "Text from the whole page (it is short)" in header
    paragraphs = "".join(f"<p>{LONG} Paragraph {n}.</p>" for n in range(12))
    usual = _load(_page(f"<article><h2>Part</h2>{paragraphs}</article>"))
    header = [line.text for line in layout_header(usual.meta, Path("/lib/usual.html"), 60)]
    assert not any(line.startswith("Text from") for line in header)

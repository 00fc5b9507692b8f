"""Link policy: only web/mail links leave the app; paths only to regular files in the library."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reader.core.models import Block, BlockKind, Span, SpanKind
from reader.ui.links import (
    Anchor,
    External,
    Link,
    LocalArticle,
    Refused,
    block_links,
    classify_link,
)


@pytest.fixture
def library(tmp_path: Path) -> Path:
    root = tmp_path / "library"
    (root / "sub").mkdir(parents=True)
    (root / "here.md").write_text("# here\n")
    (root / "sub" / "other article.md").write_text("# other\n")
    outside = tmp_path / "outside.md"
    outside.write_text("secret\n")
    (root / "escape.md").symlink_to(outside)
    (root / "inside-link.md").symlink_to(root / "sub" / "other article.md")
    os.mkfifo(root / "pipe.md")
    return root


def classify(target: str, library: Path):
    return classify_link(target, article_path=library / "here.md", roots=[library])


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("https://example.com/a?b=c#d", External("https://example.com/a?b=c#d")),
        ("  HTTP://Example.com  ", External("HTTP://Example.com")),
        ("mailto:ann@example.com", External("mailto:ann@example.com")),
        (
            "https://user:pw@evil.example@good.example/",
            External("https://user:pw@evil.example@good.example/"),
        ),
        ("#section-two", Anchor("section-two")),
        ("#caf%C3%A9", Anchor("café")),
    ],
)
def test_allowed_links(target: str, expected: object, library: Path) -> None:
    assert classify(target, library) == expected


@pytest.mark.parametrize(
    "target",
    [
        "javascript:alert(1)",
        "jAvAsCrIpT:alert(1)",
        " \tjavascript:alert(1)",
        "\x01https://example.com",
        "java\tscript:alert(1)",
        "https://exa\x1bmple.com",
        "https://example.com/\u202egnp.exe",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "ftp://example.com/file",
        "ssh://example.com",
        "file:///etc/passwd",
        "file://otherhost/share/x.md",
        "%66ile:///etc/passwd",
        "/etc/passwd",
        "../outside.md",
        "escape.md",
        "/dev/zero",
        "pipe.md",
        "sub",
        "missing.md",
        "https:///no-host",
        "https://example.com/with space",
        "",
        "   ",
    ],
)
def test_refused_links(target: str, library: Path) -> None:
    action = classify(target, library)
    assert isinstance(action, Refused), action
    assert action.reason


def test_local_articles_resolve_inside_the_library(library: Path) -> None:
    other = (library / "sub" / "other article.md").resolve()
    assert classify("sub/other%20article.md", library) == LocalArticle(other)
    assert classify("sub/other article.md#part", library) == LocalArticle(other)
    assert classify("./sub/../sub/other%20article.md", library) == LocalArticle(other)
    assert classify(str(other), library) == LocalArticle(other)
    assert classify(other.as_uri(), library) == LocalArticle(other)
    assert classify("inside-link.md", library) == LocalArticle(other)


def test_block_links_are_in_reading_order_with_text_offsets() -> None:
    block = Block(
        BlockKind.PARAGRAPH,
        "see one and two",
        spans=(Span(12, 15, SpanKind.LINK, "b.md"), Span(4, 7, SpanKind.LINK, "a.md")),
    )
    assert block_links(block, 100) == [Link("one", "a.md", 104), Link("two", "b.md", 112)]


@pytest.mark.parametrize(
    "target",
    [
        "%2566ile:///etc/passwd",  # encoded twice: decoded once, it is still not a scheme
        "FILE:///etc/passwd",
        "file:/etc/passwd",
        "file://localhost/etc/passwd",
        "file:%2Fetc%2Fpasswd",
        "..%2foutside.md",
        "%2e%2e/outside.md",
        "//evil.example/x.md",  # protocol-relative: never a web link
        "\\\\evil\\share\\x.md",
        "\uff4a\uff41\uff56\uff41\uff53\uff43\uff52\uff49\uff50\uff54:alert(1)",  # fullwidth
        "java%0ascript:alert(1)",
        "https:evil.example",
        "blob:https://example.com/x",
        "about:blank",
        "/proc/self/environ",
        "sub%00.md",
    ],
)
def test_disguised_links_are_refused(target: str, library: Path) -> None:
    action = classify(target, library)
    assert isinstance(action, Refused), action

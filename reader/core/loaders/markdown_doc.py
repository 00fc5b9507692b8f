"""Markdown source to `Document` blocks (placeholder: paragraphs only; being replaced)."""

from __future__ import annotations

from collections.abc import Iterator

from reader.core.models import Block, BlockKind, Document


def iter_markdown_blocks(source: str) -> Iterator[tuple[Block, ...]]:
    paragraphs = [p.strip() for p in source.split("\n\n") if p.strip()]
    yield tuple(Block(BlockKind.PARAGRAPH, p) for p in paragraphs)


def parse_markdown(source: str) -> Document:
    return Document(tuple(b for chunk in iter_markdown_blocks(source) for b in chunk))

"""Counts in words, grammatical at every number: "1 article", "2,000 articles".

One helper, so that no message of the CLI or the app says "1 articles" or "1 words".
"""

from __future__ import annotations


def plural(count: int, singular: str, many: str | None = None) -> str:
    """`count` (with thousands separators) and the noun that agrees with it.

    Args:
        many: the plural when it is not `singular` + "s" ("1 match", "3 matches").
    """
    noun = singular if count == 1 else (many or singular + "s")
    return f"{count:,} {noun}"

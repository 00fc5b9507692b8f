"""Finding damage in the index's files before tantivy trips over it.

Every segment file tantivy writes ends with a footer: a JSON payload holding the CRC-32 of
the bytes before it, the payload's length (u32, little endian) and the magic number 1337.
tantivy does not check them when it opens an index, so a flipped byte in a `.term` file
silently loses results, and one in a `.store` file panics in the middle of a search. Checking
them here (about a second per GB) turns both into a rebuild.
"""

from __future__ import annotations

import json
import re
import struct
import zlib
from pathlib import Path

FOOTER_MAGIC = 1337
SEGMENT_PARTS = ("idx", "pos", "term", "store", "fast", "fieldnorm")
"""The files every committed segment has (a `.del` file only once documents are deleted)."""
_SEGMENT_FILE = re.compile(r"^([0-9a-f]{32})(\.\d+)?\.[a-z]+$")
_CHUNK = 1 << 20


def damaged_files(directory: Path) -> list[str]:
    """Names of the committed segment files in `directory` whose footer or checksum is wrong
    (an unreadable `meta.json` counts). Files of segments not yet committed, which another
    process may be writing, are not looked at."""
    try:
        meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
        segments = {str(entry["segment_id"]).replace("-", "") for entry in meta["segments"]}
    except FileNotFoundError:
        return []
    except (OSError, ValueError, KeyError, TypeError):
        return ["meta.json"]
    damaged = []
    present = set()
    for path in sorted(directory.iterdir()):
        found = _SEGMENT_FILE.match(path.name)
        if found and found.group(1) in segments:
            present.add(path.name)
            if not _intact(path):
                damaged.append(path.name)
    for segment in sorted(segments):
        damaged += [
            f"{segment}.{part} (missing)"
            for part in SEGMENT_PARTS
            if f"{segment}.{part}" not in present
        ]
    return damaged


def _intact(path: Path) -> bool:
    try:
        with path.open("rb") as file:
            size = file.seek(0, 2)
            if size < 8:
                return False
            file.seek(size - 8)
            length, magic = struct.unpack("<II", file.read(8))
            if magic != FOOTER_MAGIC or length + 8 > size:
                return False
            file.seek(size - 8 - length)
            expected = json.loads(file.read(length)).get("crc")
            file.seek(0)
            remaining, crc = size - 8 - length, 0
            while remaining:
                chunk = file.read(min(_CHUNK, remaining))
                if not chunk:
                    return False
                crc = zlib.crc32(chunk, crc)
                remaining -= len(chunk)
    except (OSError, ValueError, AttributeError):
        return False
    return crc == expected

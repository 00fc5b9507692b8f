"""Load functions for the parse-pool tests: importable by name, so worker processes can run them."""

from __future__ import annotations

import os
import time


def echo_or_misbehave(path: bytes, max_bytes: int) -> str:
    """b"slow…" sleeps far past any timeout, b"crash…" kills its process; others echo."""
    name = os.path.basename(path)
    if name.startswith(b"slow"):
        time.sleep(60)
    if name.startswith(b"crash"):
        os._exit(3)
    if name.startswith(b"print"):
        print("a worker printing to stdout", flush=True)
        os.write(2, b"a worker writing to stderr\n")
    return "parsed " + name.decode()

"""Bytes to text: binary sniffing, encoding detection, newline normalisation.

Strict UTF-8 is tried first because nearly every file is UTF-8 and it costs a millisecond per
megabyte; charset-normalizer (slow, statistical) only runs when UTF-8 fails, on a bounded
sample. Decoding itself never fails: the last resort replaces undecodable bytes.
"""

from __future__ import annotations

import codecs

SNIFF_BYTES = 8192
"""How much of the start of a file decides whether it is binary."""

DETECT_SAMPLE = 64 * 1024
"""How much charset-normalizer looks at; enough for a confident guess, bounded in time."""

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Control bytes that never appear in text (tab, newlines, form feed and ESC are left out).
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20), 0x7F])
_CONTROL_RATIO = 0.05
_REPLACEMENT_RATIO = 0.1


def bom_encoding(data: bytes) -> str | None:
    """The encoding a byte-order mark announces, if the data starts with one."""
    for bom, encoding in _BOMS:  # UTF-32 LE first: its BOM starts with UTF-16 LE's
        if data.startswith(bom):
            return encoding
    return None


def binary_reason(data: bytes) -> str | None:
    """Why `data` looks like a binary file, or None if it may be text."""
    if bom_encoding(data) in ("utf-16", "utf-32"):
        return None
    head = data[:SNIFF_BYTES]
    if b"\x00" in head:
        return "binary file (contains NUL bytes)"
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    if head and controls / len(head) > _CONTROL_RATIO:
        return "binary file (control characters)"
    return None


def decode_text(data: bytes, hint: str | None = None) -> str | None:
    """`data` as text with "\\n" line ends, or None when it is not text in any encoding.

    Args:
        data: The file's bytes.
        hint: An encoding the file declares (an HTML page's charset), tried after UTF-8.
    """
    text = _decode(data, hint)
    if text is None:
        return None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:  # past the sniffed head; NUL cuts strings short in C libraries
        text = text.replace("\x00", "\ufffd")
    return text


def _decode(data: bytes, hint: str | None) -> str | None:
    encoding = bom_encoding(data)
    if encoding:
        return data.decode(encoding, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = _known(hint) if hint else None
    if declared and declared != "utf-8":
        try:  # browsers read a declared Latin-1 as its superset cp1252, and so do we
            return data.decode("cp1252" if declared == "iso8859-1" else declared, "replace")
        except (LookupError, TypeError, ValueError):  # "hex", "rot13": not text encodings
            pass
    guess = detect_encoding(data[:DETECT_SAMPLE])
    if guess:
        return data.decode(guess, errors="replace")
    text = data.decode("utf-8", errors="replace")
    if text.count("\ufffd") > len(text) * _REPLACEMENT_RATIO:
        return None
    return text


def detect_encoding(sample: bytes) -> str | None:
    """A legacy encoding for `sample` (which is not UTF-8), or None if there is no good guess.

    Western text with a few accented letters is decided without statistics: charset-normalizer
    cannot tell cp1252 from cp1250 or cp1256 on a short sample and would often pick wrong.
    """
    if _looks_western(sample):
        return "cp1252"
    from charset_normalizer import from_bytes  # imported on first use: most files are UTF-8

    matches = list(from_bytes(sample))
    if not matches:
        return None
    best_chaos = min(match.chaos for match in matches)
    close = [match.encoding for match in matches if match.chaos <= best_chaos + _CHAOS_TIE]
    return min(close, key=_preference)


_CHAOS_TIE = 0.05
_PREFERRED = ("cp932", "shift_jis", "euc_jp", "gb18030", "gbk", "big5", "cp949", "euc_kr")
_HIGH_BYTES = bytes(range(0x80, 0x100))


def _preference(encoding: str) -> int:
    """Sort key for near-equal guesses: common encodings of this app's readers first."""
    return _PREFERRED.index(encoding) if encoding in _PREFERRED else len(_PREFERRED)


def _looks_western(sample: bytes) -> bool:
    """Mostly ASCII with short runs of high bytes (accented letters, curly quotes)."""
    high = len(sample) - len(sample.translate(None, _HIGH_BYTES))
    if not high or high / len(sample) > 0.5:
        return False
    try:
        text = sample.decode("cp1252")
    except UnicodeDecodeError:
        return False
    run = 0
    for char in text:
        run = run + 1 if ord(char) > 0x7F else 0
        if run > 3:
            return False
    return True


def _known(encoding: str) -> str | None:
    """The codec's canonical name, or None when Python has no such codec."""
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        return None

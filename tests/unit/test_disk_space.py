"""The start-up check of free space on the disk holding the data directory."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pytest

from reader.core.disk_space import LOW_SPACE_BYTES, format_size, free_space, low_space_warning

MB = 1024 * 1024


class FakeUsage(NamedTuple):
    total: int
    used: int
    free: int


def usage_with(free: int, seen: list[Path] | None = None):  # type: ignore[no-untyped-def]
    def usage(path: Path) -> FakeUsage:
        if seen is not None:
            seen.append(path)
        return FakeUsage(100 * 1024 * MB, 100 * 1024 * MB - free, free)

    return usage


def test_low_space_is_said_with_the_amount_and_the_folder(tmp_path: Path) -> None:
    warning = low_space_warning(tmp_path, usage_with(12 * MB))
    assert warning == (
        f"Only 12 MB free on the disk holding the data directory ({tmp_path}); "
        "saving notes may fail."
    )


def test_enough_space_says_nothing(tmp_path: Path) -> None:
    assert low_space_warning(tmp_path, usage_with(LOW_SPACE_BYTES)) is None
    assert low_space_warning(tmp_path, usage_with(LOW_SPACE_BYTES - 1)) is not None


def test_the_threshold_is_an_amount_not_a_share_of_the_disk(tmp_path: Path) -> None:
    """60 MB free on a 100 GB disk is 0.06%: enough for notes, so no warning."""
    assert low_space_warning(tmp_path, usage_with(60 * MB)) is None


def test_a_data_dir_not_made_yet_is_measured_where_it_will_be(tmp_path: Path) -> None:
    seen: list[Path] = []
    missing = tmp_path / "not" / "yet"
    assert free_space(missing, usage_with(5 * MB, seen)) == (tmp_path, 5 * MB)
    assert seen == [tmp_path]
    warning = low_space_warning(missing, usage_with(5 * MB))
    assert warning is not None and str(missing) in warning  # the folder the reader named


def test_space_that_cannot_be_measured_says_nothing(tmp_path: Path) -> None:
    def broken(path: Path) -> FakeUsage:
        raise PermissionError(13, "Permission denied")

    assert low_space_warning(tmp_path, broken) is None


def test_the_real_disk_can_be_measured(tmp_path: Path) -> None:
    measured = free_space(tmp_path)
    assert measured is not None and measured.free >= 0


@pytest.mark.parametrize(
    ("size", "words"),
    [(0, "0 bytes"), (1, "1 byte"), (900, "900 bytes"), (300 * 1024, "300 KB"), (12 * MB, "12 MB")],
)
def test_sizes_read_as_a_person_says_them(size: int, words: str) -> None:
    assert format_size(size) == words

"""Every file of the shared corpus loads, or is skipped with a reason; none raises."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

from reader.core.loaders import is_candidate, load_path
from reader.core.loaders.metadata import is_hashlike
from reader.core.models import Article, BlockKind, Skipped
from reader.core.sanitize import inert

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "articles"

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not present"),
]


def corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(path for path in CORPUS.rglob("*") if path.is_file())


@pytest.fixture(scope="module")
def printed_and_loaded() -> tuple[str, dict[Path, Article | Skipped]]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        results = {path: load_path(path) for path in corpus_files()}
    return out.getvalue(), results


@pytest.fixture(scope="module")
def loaded(printed_and_loaded: tuple[str, dict[Path, Article | Skipped]]) -> dict:
    return printed_and_loaded[1]


def test_loading_prints_nothing(printed_and_loaded: tuple[str, dict]) -> None:
    printed, _ = printed_and_loaded
    assert printed == "", inert(printed[:300])


def test_every_file_loads_or_is_skipped_with_a_reason(
    loaded: dict[Path, Article | Skipped],
) -> None:
    assert loaded, "empty corpus"
    for path, result in loaded.items():
        assert isinstance(result, Article | Skipped), path
        if isinstance(result, Skipped):
            assert result.reason.strip(), path
            continue
        assert result.title.strip(), path
        assert result.title != path.stem
        assert not is_hashlike(result.title), path
        assert result.document.text.strip(), path


def test_every_corpus_file_is_a_candidate_and_an_article(
    loaded: dict[Path, Article | Skipped],
) -> None:
    skipped = {
        inert(path.name): result.reason
        for path, result in loaded.items()
        if isinstance(result, Skipped)
    }
    assert skipped == {}
    assert all(is_candidate(path) for path in loaded)


def _article(loaded: dict[Path, Article | Skipped], name: str) -> Article:
    result = loaded[CORPUS / name]
    assert isinstance(result, Article), result
    return result


def test_legacy_encodings_in_the_corpus(loaded: dict[Path, Article | Skipped]) -> None:
    kafka = _article(loaded, "gutenberg_22367-8.txt")  # ISO-8859-1
    assert "Als Gregor Samsa eines Morgens aus unruhigen Träumen erwachte" in kafka.document.text
    rashomon = _article(loaded, "aozora_rashomon.txt")  # Shift_JIS
    assert rashomon.title == "羅生門"
    assert rashomon.meta.author == "芥川龍之介"
    spider = _article(loaded, "aozora_kumono_ito.txt")
    assert spider.title == "蜘蛛の糸"
    assert "《" not in spider.document.text  # ruby readings stripped


def test_gutenberg_and_rfc_layout(loaded: dict[Path, Article | Skipped]) -> None:
    bierce = _article(loaded, "gutenberg_972.txt")
    assert bierce.title == "The Devil's Dictionary"
    assert bierce.meta.author == "Ambrose Bierce"
    entry = next(b for b in bierce.document.blocks if b.text.startswith("ABASEMENT, n."))
    assert "\n" not in entry.text
    verse = next(b for b in bierce.document.blocks if b.text.startswith("Spring beckons!"))
    assert verse.text.count("\n") == 1
    rfc = _article(loaded, "rfc_rfc2616.txt")
    assert rfc.title == "Hypertext Transfer Protocol -- HTTP/1.1"
    toc = next(b for b in rfc.document.blocks if "Introduction ....." in b.text)
    assert toc.kind is BlockKind.PREFORMATTED
    headings = [b.text for b in rfc.document.blocks if b.kind is BlockKind.HEADING]
    assert headings[:4] == [
        "Status of this Memo",
        "Copyright Notice",
        "Abstract",
        "Table of Contents",
    ]
    assert "1.1 Purpose" in headings


def test_saved_pages_drop_site_names(loaded: dict[Path, Article | Skipped]) -> None:
    bbc = _article(loaded, "saved-web-pages/readability_bbc-1_source.html")
    assert bbc.title == "Obama admits US gun laws are his 'biggest frustration'"
    assert bbc.meta.format == "html"
    pep = _article(loaded, "peps/pep_pep-0572_index.html")
    assert pep.title == "PEP 572 – Assignment Expressions"

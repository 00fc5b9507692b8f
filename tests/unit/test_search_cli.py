"""`reader search`: results for people and for scripts, on a fresh data directory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader.cli.search_command import build_parser, run
from reader.core.store import Store

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "articles"


def search(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run(build_parser().parse_args(list(args)))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def library(tmp_path: Path) -> Path:
    root = tmp_path / "lib"
    root.mkdir()
    (root / "whales.md").write_text("# Killer whales\n\nOrcas hunt in pods.\n")
    (root / "story.txt").write_text("A story\n\nThe killer left, and the killers came back.\n")
    (root / "hostile.txt").write_text("Evil \x1b]0;pwned\x07 title\n\nA killer \x1b[2J here.\n")
    return root


def test_json_lists_ranked_results_with_hit_offsets(
    capsys: pytest.CaptureFixture[str], library: Path, tmp_path: Path
) -> None:
    code, out, _ = search(capsys, "killers", str(library), "--json", "--data-dir", str(tmp_path))
    assert code == 0
    rows = json.loads(out)
    assert Path(rows[0]["path"]).name == "whales.md"  # the title match
    assert {Path(row["path"]).name for row in rows} == {"whales.md", "story.txt", "hostile.txt"}
    assert set(rows[0]) == {"path", "title", "score", "snippet", "hits", "kind", "date"}
    story = next(row for row in rows if row["path"].endswith("story.txt"))
    assert [story["snippet"][a:b] for a, b in story["hits"]] == ["killer", "killers"]
    assert story["kind"] == "article"
    assert "\x1b" not in out


def test_text_output_marks_hits_and_shows_nothing_raw(
    capsys: pytest.CaptureFixture[str], library: Path, tmp_path: Path
) -> None:
    code, out, _ = search(capsys, "killer", str(library), "--data-dir", str(tmp_path))
    assert code == 0
    assert "[Killer] whales" in out
    assert "The [killer] left" in out
    assert "\x1b" not in out and "\x07" not in out


def test_no_results_is_not_an_error(
    capsys: pytest.CaptureFixture[str], library: Path, tmp_path: Path
) -> None:
    code, out, _ = search(capsys, "zebra", str(library), "--data-dir", str(tmp_path))
    assert (code, out.strip()) == (0, "no results")
    code, out, _ = search(capsys, "-", "--data-dir", str(tmp_path), "--json")
    assert (code, json.loads(out)) == (0, [])


def test_a_second_search_uses_the_index_and_sees_edits(
    capsys: pytest.CaptureFixture[str], library: Path, tmp_path: Path
) -> None:
    search(capsys, "orcas", str(library), "--data-dir", str(tmp_path))
    _, out, _ = search(capsys, "orcas", "--data-dir", str(tmp_path), "--json")
    assert [Path(row["path"]).name for row in json.loads(out)] == ["whales.md"]
    (library / "whales.md").write_text("# Killer whales\n\nBelugas sing.\n")
    _, out, _ = search(capsys, "orcas", str(library), "--data-dir", str(tmp_path), "--json")
    assert json.loads(out) == []


def test_a_path_given_is_the_only_library_searched_and_counted(
    capsys: pytest.CaptureFixture[str], library: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / "killers.md").write_text("# Killers, killers\n\nKillers killed the killer.\n")
    (other / "more.txt").write_text("More killers\n\nA killer again.\n")
    data = ["--data-dir", str(tmp_path / "data")]
    search(capsys, "killers", str(other), *data)  # the data dir now knows both libraries
    _, out, _ = search(capsys, "killers", str(library), *data, "--json")
    assert {Path(row["path"]).parent for row in json.loads(out)} == {library}
    _, out, _ = search(capsys, "killer", str(library), *data, "--limit", "1")
    assert out.startswith("1 of 3 results\n")
    _, out, _ = search(capsys, "killers", *data, "--json")  # no path: every library
    assert {Path(row["path"]).parent for row in json.loads(out)} == {library, other}


# -- the shared corpus -------------------------------------------------------------------------

PICKS = [
    "aozora_kumono_ito.txt",  # Japanese, Shift_JIS
    "gutenberg_22367-8.txt",  # German, Latin-1
    "rfc_rfc2616.txt",
    "peps/pep_pep-0008.txt",
    "opensource-guide/osg_de_how-to-contribute.md",
    "rust-rfcs/rustrfc_0236-error-conventions.md",
    "textual-blog/textual_await-me-maybe.md",
    "saved-web-pages/readability_folha_source.html",  # Portuguese HTML
]


@pytest.fixture(scope="module")
def corpus_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not present")
    data = tmp_path_factory.mktemp("corpus-data")
    assert run(build_parser().parse_args(["x", str(CORPUS), "--data-dir", str(data)])) == 0
    return data


def middle_phrase(text: str) -> str:
    """A run of words (or, in CJK text, characters) from the middle of `text`."""
    middle = text[len(text) // 2 :]
    words = middle.split()[1:9]
    if len(words) >= 6 and all(len(word) < 30 for word in words):
        return " ".join(words)
    start = len(middle) // 4
    return "".join(ch for ch in middle[start : start + 14] if not ch.isspace())


@pytest.mark.corpus
def test_the_corpus_and_a_small_library_never_answer_for_each_other(
    capsys: pytest.CaptureFixture[str], corpus_data: Path, library: Path
) -> None:
    capsys.readouterr()
    data = ["--data-dir", str(corpus_data), "--json", "--limit", "1000"]
    _, out, _ = search(capsys, "the", str(CORPUS), *data)
    in_corpus = json.loads(out)
    assert len(in_corpus) > 100
    assert all(Path(row["path"]).is_relative_to(CORPUS.resolve()) for row in in_corpus)
    _, out, _ = search(capsys, "the", str(library), *data)
    assert {Path(row["path"]).name for row in json.loads(out)} == {"story.txt"}


@pytest.mark.corpus
@pytest.mark.parametrize("name", PICKS)
def test_a_phrase_from_an_article_finds_it_first(
    capsys: pytest.CaptureFixture[str], corpus_data: Path, name: str
) -> None:
    path = (CORPUS / name).resolve()  # the library stores real paths (shared/ may be a link)
    capsys.readouterr()
    store = Store.open(corpus_data)
    article_id = store.id_for_path(path)
    assert article_id is not None
    phrase = middle_phrase(store.article_text(article_id)).replace('"', " ")
    store.close()
    code, out, _ = search(capsys, f'"{phrase}"', "--data-dir", str(corpus_data), "--json")
    rows = json.loads(out)
    assert code == 0 and rows, phrase
    assert rows[0]["path"] == str(path), phrase

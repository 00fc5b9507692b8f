"""Properties: loading is total for any bytes under any name; front matter never raises."""

from __future__ import annotations

import pickle

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.core.loaders import SUPPORTED_SUFFIXES, load_bytes
from reader.core.loaders.frontmatter import split_front_matter
from reader.core.models import BLOCK_SEPARATOR, Article, Skipped

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

names = st.one_of(
    st.text(max_size=40),
    st.builds(
        lambda stem, suffix: stem + suffix,
        st.text(max_size=20),
        st.sampled_from(sorted(SUPPORTED_SUFFIXES)),
    ),
)
markdownish = st.lists(
    st.sampled_from(
        [
            "---",
            "+++",
            "title: x",
            "date: 2024-13-45",
            "tags: [a, [b]]",
            "&a x",
            "*a",
            "# H",
            "```",
            "| a | b |",
            "|---|---|",
            "> q",
            "- i",
            "\x1b[31m",
            "\ufeff",
            "\r\n",
            "",
            "\x00",
        ]
    )
    | st.text(max_size=30),
    max_size=30,
).map("\n".join)


def check(result: Article | Skipped) -> None:
    assert isinstance(result, Article | Skipped)
    if isinstance(result, Skipped):
        assert result.reason
        return
    assert result.title.strip()
    text = result.document.text
    assert text == BLOCK_SEPARATOR.join(block.text for block in result.document.blocks)
    text.encode("utf-8")  # no lone surrogates reach the store or the screen
    result.title.encode("utf-8")
    assert pickle.loads(pickle.dumps(result)) == result


@SETTINGS
@given(name=names, data=st.binary(max_size=2048))
def test_load_bytes_is_total_for_any_bytes(name: str, data: bytes) -> None:
    check(load_bytes(name, data))


@SETTINGS
@given(suffix=st.sampled_from(sorted(SUPPORTED_SUFFIXES)), text=markdownish)
def test_load_bytes_is_total_for_text_like_input(suffix: str, text: str) -> None:
    data = text.encode("utf-8", "surrogatepass")
    check(load_bytes("article" + suffix, data))


@SETTINGS
@given(text=st.text(max_size=500) | markdownish.map(lambda body: "---\n" + body))
def test_front_matter_never_raises(text: str) -> None:
    front = split_front_matter(text)
    assert isinstance(front.fields, dict)
    assert all(isinstance(key, str) for key in front.fields)
    assert front.body in text

"""Front matter (YAML between `---` lines, TOML between `+++` lines), parsed with bounds.

python-frontmatter is not used: it hands the block to an unbounded `yaml.SafeLoader`, which
expands aliases (a billion-laughs block of a few hundred bytes builds a huge object graph) and
recurses without limit on deep nesting. Here the block is capped in size, aliases are refused
the moment the composer meets one, nesting is capped, and invalid dates stay strings. Nothing
in this module raises: bad front matter becomes a warning and the body is still shown.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field

import yaml

MAX_FRONT_MATTER = 64 * 1024
MAX_DEPTH = 32

_CLOSERS = {
    "---": re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.M),
    "+++": re.compile(r"^\+\+\+[ \t]*$", re.M),
}
_FIELD_LINE = {
    "---": re.compile(r"^[ \t-]*[^\s#][^:\n]*:(?:[ \t]|$)", re.M),
    "+++": re.compile(r"^[ \t]*(?:[\w\"'.-]+[ \t]*=|\[)", re.M),
}
_OPENING = re.compile(r"\A(---|\+\+\+)[ \t]*\n")


@dataclass
class FrontMatter:
    """The fields found (keys lower-cased), the body after the block, and what went wrong."""

    fields: dict[str, object]
    body: str
    warnings: list[str] = field(default_factory=list)


class FrontMatterError(ValueError):
    """Front matter that is refused rather than parsed."""


class _BoundedLoader(yaml.SafeLoader):
    """SafeLoader without aliases, with bounded nesting, and with lenient timestamps."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            raise FrontMatterError("aliases are not allowed")
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise FrontMatterError(f"nested deeper than {MAX_DEPTH} levels")
            return super().compose_node(parent, index)  # type: ignore[misc]
        finally:
            self._depth -= 1


def _lenient_timestamp(loader: yaml.SafeLoader, node: yaml.Node) -> object:
    """A YAML timestamp, or its text when it is no real date (2024-13-45)."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)  # type: ignore[arg-type]
    except (ValueError, OverflowError):
        return loader.construct_scalar(node)  # type: ignore[arg-type]


_BoundedLoader.add_constructor("tag:yaml.org,2002:timestamp", _lenient_timestamp)

_CSafeLoader: type | None = getattr(yaml, "CSafeLoader", None)
_FastLoader: type | None = None
if _CSafeLoader is not None:

    class _FastLoader(_CSafeLoader):  # type: ignore[no-redef]
        """libyaml's parser and composer (fast) with the lenient timestamp constructor."""

    _FastLoader.add_constructor("tag:yaml.org,2002:timestamp", _lenient_timestamp)


def split_front_matter(text: str) -> FrontMatter:
    """Separate a leading front-matter block from the Markdown body."""
    text = text.removeprefix("\ufeff")
    opening = _OPENING.match(text)
    if not opening:
        return FrontMatter({}, text)
    fence = opening.group(1)
    closing = _CLOSERS[fence].search(text, opening.end())
    if closing is None:  # a rule at the top, not front matter
        return FrontMatter({}, text)
    raw = text[opening.end() : closing.start()]
    if raw.strip() and not _FIELD_LINE[fence].search(raw):  # "---" rules around prose
        return FrontMatter({}, text)
    body = text[closing.end() :].removeprefix("\n")
    try:
        fields = parse_block(raw, toml=fence == "+++")
    except FrontMatterError as error:
        return FrontMatter({}, body, [f"front matter ignored: {error}"])
    return FrontMatter(fields, body)


def parse_block(raw: str, *, toml: bool = False) -> dict[str, object]:
    """The fields of one front-matter block, keys lower-cased.

    Raises:
        FrontMatterError: with a short reason, for anything that cannot be used.
    """
    if len(raw) > MAX_FRONT_MATTER:
        raise FrontMatterError(f"larger than {MAX_FRONT_MATTER // 1024} KB")
    if raw.count("[") + raw.count("{") > MAX_DEPTH and _bracket_depth(raw) > MAX_DEPTH:
        raise FrontMatterError(f"nested deeper than {MAX_DEPTH} levels")
    try:
        value = tomllib.loads(raw) if toml else _load_yaml(raw)
    except FrontMatterError:
        raise
    except tomllib.TOMLDecodeError as error:
        raise FrontMatterError(f"invalid TOML ({error})") from None
    except yaml.MarkedYAMLError as error:
        raise FrontMatterError(f"invalid YAML ({_yaml_problem(error)})") from None
    except RecursionError:
        raise FrontMatterError("nested too deeply") from None
    except Exception as error:  # yaml and tomllib raise more than they document
        raise FrontMatterError(f"could not be parsed ({type(error).__name__})") from None
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise FrontMatterError(f"expected key: value pairs, found {type(value).__name__}")
    return {str(key).strip().lower(): item for key, item in value.items()}


def _load_yaml(raw: str) -> object:
    """Parse with libyaml when present (ten times faster), after its events pass the bounds."""
    if _FastLoader is not None:
        _check_events(raw)
        return yaml.load(raw, Loader=_FastLoader)
    loader = _BoundedLoader(raw)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def _check_events(raw: str) -> None:
    """Refuse aliases and deep nesting from the event stream, before any object is built."""
    depth = 0
    for event in yaml.parse(raw, Loader=_CSafeLoader):
        if isinstance(event, yaml.AliasEvent):
            raise FrontMatterError("aliases are not allowed")
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth >= MAX_DEPTH:
                raise FrontMatterError(f"nested deeper than {MAX_DEPTH} levels")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _yaml_problem(error: yaml.MarkedYAMLError) -> str:
    problem = error.problem or error.context or "syntax error"
    mark = error.problem_mark
    return f"line {mark.line + 1}: {problem}" if mark else problem


def _bracket_depth(raw: str) -> int:
    """Deepest flow nesting ([ and {), counted cheaply before the parser recurses into it."""
    depth = deepest = 0
    for char in raw:
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth = max(0, depth - 1)
    return deepest

"""A tiny ``{{placeholder}}`` templating helper for generated Python source."""

import re
import textwrap

from dukat_naming import snake_case

__all__ = ["render", "indent", "snake_case", "TemplateError"]

_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


class TemplateError(KeyError):
    """A placeholder has no value."""


def render(template: str, **values: object) -> str:
    """Replace each ``{{name}}`` by ``str(values[name])``; a missing name raises TemplateError."""

    def substitute(match: "re.Match[str]") -> str:
        name = match.group(1)
        if name not in values:
            raise TemplateError(name)
        return str(values[name])

    return _PLACEHOLDER.sub(substitute, textwrap.dedent(template))


def indent(text: str, level: int = 1) -> str:
    """Indent every non-empty line by ``level`` times four spaces."""
    return textwrap.indent(text, "    " * level)

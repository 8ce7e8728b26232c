"""Names for generated tests."""

import re

__all__ = ["snake_case", "test_function_name", "test_class_name"]

_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def snake_case(name: str) -> str:
    """``parseHTTPResponse`` -> ``parse_http_response``; ``CamelCase`` -> ``camel_case``."""
    return _BOUNDARY.sub("_", name.strip("_")).lower()


def test_function_name(function: str, owner: str = "") -> str:
    """The pytest function name for ``owner.function`` (``owner`` is a class, may be empty)."""
    parts = [snake_case(owner)] if owner else []
    parts.append(snake_case(function))
    return "test_" + "_".join(p for p in parts if p)


def test_class_name(cls: str) -> str:
    """The pytest class collecting the tests of ``cls``."""
    return "Test" + cls[:1].upper() + cls[1:]

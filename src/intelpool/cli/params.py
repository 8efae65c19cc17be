"""Option values converted without pydantic: the common str, int, float and bool parameters.

Typer converts every parameter value through a pydantic ``TypeAdapter``; importing pydantic
and building the adapters cost a command about as much as a small search takes. For plain
``str``, ``int``, ``float`` and ``bool`` parameters (and lists of them) without constraints
the value is converted here; any other parameter keeps Typer's own conversion. If Typer's internals
are not as expected, nothing is changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, get_args, get_origin


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).strip().lower()
    if text in _TRUE or text in _FALSE:
        return text in _TRUE
    raise ValueError(text)


_TRUE = frozenset({"1", "true", "t", "yes", "y", "on"})
_FALSE = frozenset({"0", "false", "f", "no", "n", "off", ""})
_CONVERTERS: dict[Any, tuple[Callable[[Any], Any], str]] = {
    str: (_text, "text"), int: (int, "integer"), float: (float, "number"),
    bool: (_flag, "boolean"),
}


def install() -> None:
    """Route Typer's plain parameters through the converters above."""
    try:
        from typer import _coercion, core
        from typer._click.exceptions import BadParameter
    except ImportError:
        return
    original = getattr(core, "build_runtime_param", None)  # used by _TyperParameter
    base = getattr(_coercion, "RuntimeParam", None)
    if original is None or base is None or getattr(original, "_intelpool", False):
        return

    @dataclass(frozen=True)
    class Plain(base):  # type: ignore[misc,valid-type]  # Typer's runtime contract
        convert: Callable[[Any], Any] = _text
        many: bool = False
        label: str = "text"

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            try:
                if self.many:
                    return [self.convert(v) for v in value]
                return self.convert(value)
            except (TypeError, ValueError):
                raise BadParameter(f"{value!r} is not a valid {self.label}.", ctx=ctx,
                                   param=param) from None

    def build(descriptor: Any) -> Any:
        found = _plain(descriptor)
        if found is None:
            return original(descriptor)
        (convert, label), many = found
        return Plain(parameter_info=descriptor.parameter_info,
                     annotation=descriptor.annotation, convert=convert, many=many,
                     label=label)

    build._intelpool = True  # type: ignore[attr-defined]
    core.build_runtime_param = build  # type: ignore[attr-defined]


def _plain(descriptor: Any) -> tuple[tuple[Callable[[Any], Any], str], bool] | None:
    """(converter, label) and whether a list, for a parameter this module converts."""
    info = descriptor.parameter_info
    if descriptor.file_annotation is not None or getattr(info, "parser", None) is not None \
            or getattr(info, "click_type", None) is not None \
            or getattr(info, "min", None) is not None or getattr(info, "max", None) is not None:
        return None
    annotation = descriptor.annotation
    many = get_origin(annotation) is list
    if many:
        args = get_args(annotation)
        annotation = args[0] if len(args) == 1 else None
    found = _CONVERTERS.get(annotation)
    return None if found is None else (found, many)

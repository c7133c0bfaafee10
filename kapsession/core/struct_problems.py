"""What is wrong with a file checked by msgspec, as problems in pydantic's error shape.

msgspec stops at the first error and words it for programmers (``Expected `int` >= 1 - at
`$.phases[...].minutes` ``). The preset messages name the field, its line and the rule in plain
words, and say how many other problems there are, so this module:

- walks the data against the Struct types for every unknown and every missing field (the usual
  typos, reported together so "did you mean" can pair them);
- translates msgspec's one error into a problem with a location (a dict key msgspec writes as
  `[...]` is found again by checking each entry), a type and a plain message;
- reads a `FieldProblem` raised by a Struct's `__post_init__` for its field and list index.

The problems are dicts with `loc`, `type`, `msg`, `input` and `ctx`, as
`kapsession.core.protocol.describe_problems` reads them.
"""

from __future__ import annotations

import re
import types
from typing import Any, Literal, Union, get_args, get_origin

import msgspec

Problem = dict[str, Any]
Location = tuple[Any, ...]


class FieldProblem(ValueError):
    """Raised in a Struct's `__post_init__`: which field (and list element) breaks which rule."""

    def __init__(self, field: str, message: str, index: int | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.index = index


_AT = re.compile(r" - at `(?P<path>[^`]*)`(?: in `(?P<outer>[^`]*)`)?$")
_PATH_PART = re.compile(r"\.([^.\[]+)|\[(\d+|\.\.\.)\]")
_BOUND = re.compile(r"^Expected `(?P<kind>\w+)` (?P<op>>=|<=|>|<) (?P<bound>-?[\d.]+)$")
_LENGTH = re.compile(r"^Expected `(?P<kind>\w+)` of length (?P<op>>=|<=) (?P<bound>\d+)$")
_WRONG_TYPE = re.compile(r"^Expected `(?P<expected>[^`]+)`, got `(?P<got>[^`]+)`$")
_ENUM = re.compile(r"^Invalid enum value (?P<value>.+)$")
_UNKNOWN = re.compile(r"^Object contains unknown field `(?P<name>[^`]+)`$")
_MISSING = re.compile(r"^Object missing required field `(?P<name>[^`]+)`$")

_KIND_WORDS = {
    "int": "a whole number", "float": "a number", "str": "text", "bool": "true or false",
    "array": "a list", "object": "a table", "null": "nothing", "datetime": "a date and time",
    "int | null": "a whole number", "float | null": "a number", "str | null": "text",
}
_BOUND_WORDS = {">=": "greater than or equal to", "<=": "less than or equal to", ">": "greater than", "<": "less than"}


def problems_of(error: msgspec.ValidationError, data: Any, root: type) -> list[Problem]:
    """Every unknown and missing field in `data`, plus msgspec's own error if it is another kind."""
    found = shape_problems(data, root, ())
    first = translate(error, data, root)
    if not any(problem["loc"] == first["loc"] and problem["type"] == first["type"] for problem in found):
        found.append(first)
    return found


# -- the shape walk: unknown and missing fields at every level -----------------------------------

def _struct_of(kind: Any) -> type | None:
    """The Struct type a field holds directly (through `X | None` and `Annotated`), if any."""
    kind = _plain(kind)
    if isinstance(kind, type) and issubclass(kind, msgspec.Struct):
        return kind
    return None


def _plain(kind: Any) -> Any:
    """`kind` without `Annotated[...]` and without a `| None`."""
    while get_origin(kind) is not None and hasattr(kind, "__metadata__"):
        kind = get_args(kind)[0]
    if get_origin(kind) in (Union, types.UnionType):
        options = [option for option in get_args(kind) if option is not type(None)]
        if len(options) == 1:
            return _plain(options[0])
    return kind


def _fields(struct: type) -> dict[str, msgspec.structs.FieldInfo]:
    return {info.encode_name: info for info in msgspec.structs.fields(struct)}


def shape_problems(data: Any, struct: type, loc: Location) -> list[Problem]:
    if not isinstance(data, dict):
        return []
    fields = _fields(struct)
    found: list[Problem] = []
    for key in data:
        if key not in fields:
            found.append({"loc": (*loc, key), "type": "extra_forbidden", "msg": "Extra inputs are not permitted",
                          "input": data[key], "ctx": {}})
    for name, info in fields.items():
        if name not in data:
            if info.required:
                found.append({"loc": (*loc, name), "type": "missing", "msg": "Field required", "input": None, "ctx": {}})
            continue
        kind = _plain(info.type)
        inner = _struct_of(kind)
        if inner is not None:
            found += shape_problems(data[name], inner, (*loc, name))
        elif get_origin(kind) is dict and isinstance(data[name], dict):
            value_struct = _struct_of(get_args(kind)[1])
            if value_struct is not None:
                for key, value in data[name].items():
                    found += shape_problems(value, value_struct, (*loc, name, key))
    return found


# -- msgspec's own error ------------------------------------------------------------------------

def _steps(path: str) -> list[Any]:
    """`$.phases[...].minutes` -> ['phases', '...', 'minutes']; `$.cards[3]` -> ['cards', 3]."""
    steps: list[Any] = []
    for name, index in _PATH_PART.findall(path[1:] if path.startswith("$") else path):
        if name:
            steps.append(name)
        else:
            steps.append(index if index == "..." else int(index))
    return steps


def _resolve(steps: list[Any], data: Any, kind: Any) -> tuple[Location, Any, Any]:
    """(location with every `[...]` replaced by the failing key, the value there, its type)."""
    loc: list[Any] = []
    for step in steps:
        kind = _plain(kind)
        if step == "...":  # a dict value: the first entry that does not check is the one
            value_kind = get_args(kind)[1] if get_origin(kind) is dict else Any
            key = _failing_key(data, value_kind)
            loc.append(key)
            data = data.get(key) if isinstance(data, dict) else None
            kind = value_kind
            continue
        loc.append(step)
        if isinstance(step, int):
            data = data[step] if isinstance(data, list) and step < len(data) else None
            kind = get_args(kind)[0] if get_args(kind) else Any
            continue
        struct = _struct_of(kind)
        data = data.get(step) if isinstance(data, dict) else None
        if struct is not None and step in _fields(struct):
            kind = _fields(struct)[step].type
        elif get_origin(kind) is dict:
            kind = get_args(kind)[1]
        else:
            kind = Any
    return tuple(loc), data, kind


def _failing_key(mapping: Any, value_kind: Any) -> Any:
    if not isinstance(mapping, dict):
        return "..."
    for key, value in mapping.items():
        try:
            msgspec.convert(value, value_kind)
        except (msgspec.ValidationError, TypeError):
            return key
    return "..."


def _literal_values(kind: Any) -> list[str]:
    kind = _plain(kind)
    if get_origin(kind) is Literal:
        return [str(value) for value in get_args(kind)]
    return []


def translate(error: msgspec.ValidationError, data: Any, root: type) -> Problem:
    text = str(error)
    at = _AT.search(text)
    message = text[: at.start()] if at else text
    path = at.group("path") if at else "$"
    outer = at.group("outer") if at else None
    cause = error.__cause__
    if outer is not None:  # a dict key: "Invalid enum value 'pek' - at `key` in `$.phases`"
        loc, mapping, kind = _resolve(_steps(outer), data, root)
        key_kind = get_args(_plain(kind))[0] if get_args(_plain(kind)) else Any
        enum = _ENUM.match(message)
        given = enum.group("value").strip("'\"") if enum else message
        expected = " or ".join(repr(value) for value in _literal_values(key_kind))
        return {"loc": (*loc, given, "[key]"), "type": "literal_error", "msg": message, "input": given,
                "ctx": {"expected": expected}}
    loc, value, kind = _resolve(_steps(path), data, root)
    if isinstance(cause, FieldProblem):
        where = (*loc, cause.field)
        return {"loc": where, "type": "value_error", "msg": str(cause), "input": None,
                "ctx": {"index": cause.index} if cause.index is not None else {}}
    if isinstance(cause, (ValueError, TypeError)):
        return {"loc": loc, "type": "value_error", "msg": str(cause), "input": value, "ctx": {}}
    for pattern, kind_name in ((_UNKNOWN, "extra_forbidden"), (_MISSING, "missing")):
        match = pattern.match(message)
        if match:
            return {"loc": (*loc, match.group("name")), "type": kind_name, "msg": message, "input": None, "ctx": {}}
    enum = _ENUM.match(message)
    if enum:
        expected = " or ".join(repr(option) for option in _literal_values(kind))
        return {"loc": loc, "type": "literal_error", "msg": message, "input": value, "ctx": {"expected": expected}}
    if message.startswith("Expected `str` matching regex"):
        return {"loc": loc, "type": "string_pattern_mismatch", "msg": "does not have the accepted form",
                "input": value, "ctx": {}}
    return {"loc": loc, "type": "msgspec", "msg": _plain_words(message, value), "input": value, "ctx": {}}


def _plain_words(message: str, value: Any) -> str:
    bound = _BOUND.match(message)
    if bound:
        return f"must be {_BOUND_WORDS[bound.group('op')]} {_number(bound.group('bound'))}, not {value}"
    length = _LENGTH.match(message)
    if length:
        count = int(length.group("bound"))
        if length.group("kind") == "str":
            return "must not be empty" if count == 1 and length.group("op") == ">=" else (
                f"must be {'at least' if length.group('op') == '>=' else 'at most'} {count} characters long")
        noun = "item" if count == 1 else "items"
        return f"must have {'at least' if length.group('op') == '>=' else 'at most'} {count} {noun}"
    wrong = _WRONG_TYPE.match(message)
    if wrong:
        expected = _KIND_WORDS.get(wrong.group("expected"), wrong.group("expected"))
        got = _KIND_WORDS.get(wrong.group("got"), wrong.group("got"))
        return f"must be {expected}, not {got}"
    return message


def _number(text: str) -> str:
    return text[:-2] if text.endswith(".0") else text

"""Turn pydantic validation errors into plain problems: file:line:column, key path, expected vs got."""
from __future__ import annotations

import difflib
import types
import typing
from typing import Any, TypeVar

import annotated_types
import pydantic
from pydantic import BaseModel, ConfigDict

from handouts.errors import HandoutError, Problem
from handouts.model.yamlfile import Document

M = TypeVar("M", bound=BaseModel)


class Model(BaseModel):
    """Base of every schema model: strict about unknown keys. Each field is documented by the string
    under it, for readers of the source; pydantic is not asked to collect them
    (use_attribute_docstrings parses the source of every model at every start: 0.23 s of a 1.4 s
    process, for descriptions nothing reads)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def validate(model: type[M], doc: Document, context: dict | None = None) -> M:
    """Validate a loaded document into `model`, reporting every problem at once."""
    try:
        return model.model_validate(doc.data, context=context)
    except pydantic.ValidationError as exc:
        # One line per place, in a stable order. A value that fits no member of a union (a colour is
        # '#RRGGBB' or {brand, fallback}) fails once per member at the same place: keep the first.
        # (A set here made the order of same-place problems change from run to run.)
        problems: dict = {}
        for err in exc.errors():
            problem = _problem(model, doc, err)
            problems.setdefault((problem.line, problem.column, problem.path), problem)
        raise HandoutError(sorted(problems.values(), key=lambda p: (p.line or 0, p.column or 0))) from None


def _data_path(doc: Document, loc: tuple) -> tuple:
    """Pydantic's loc with the union-tag parts (not present in the data) dropped."""
    path: list = []
    node: Any = doc.data
    for part in loc:
        if isinstance(node, dict) and part in node:
            path.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            path.append(part)
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and part not in node:
            # either a union tag (skip it) or a missing key (keep it, it ends the path)
            if loc.index(part) == len(loc) - 1:
                path.append(part)
        else:
            continue
    return tuple(path)


def _walk(model: type[BaseModel], loc: tuple) -> tuple[Any, Any]:
    """Follow pydantic's loc through the model classes: (type at loc, FieldInfo of the last field)."""
    current: Any = model
    info = None
    for part in loc:
        current = _unwrap(current)
        if isinstance(part, int):
            args = typing.get_args(current)
            current = args[0] if args else current
        elif typing.get_origin(current) is dict:  # a mapping by id (figures.yaml): its values' type
            current = typing.get_args(current)[1]
        elif isinstance(current, type) and issubclass(current, BaseModel):
            if part in current.model_fields:
                info = current.model_fields[part]
                current = info.annotation
        else:  # a tagged union: pick the member tagged with this part, or whose `type` literal it is
            raw = typing.get_args(current)
            tagged = [typing.get_args(a)[0] for a in raw if typing.get_origin(a) is typing.Annotated
                      and any(isinstance(x, pydantic.Tag) and x.tag == part for x in typing.get_args(a)[1:])]
            if tagged:
                current = tagged[0]
                continue
            for member in map(_unwrap, raw):
                tag = member.model_fields.get("type") if isinstance(member, type) and issubclass(
                    member, BaseModel) else None
                if tag is not None and typing.get_args(tag.annotation) == (part,):
                    current = member
                    break
    return _unwrap(current), info


def _field_info(model: type[BaseModel], loc: tuple):
    return _walk(model, loc)[1]


def _unwrap(tp: Any) -> Any:
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(tp)[0])
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1:
            return _unwrap(args[0])
    return tp


def _metadata(info) -> list:
    """Constraint objects of a field, also when they sit inside `Annotated[...] | None`."""
    found = list(getattr(info, "metadata", []) or [])
    stack = [getattr(info, "annotation", None)]
    while stack:
        tp = stack.pop()
        if typing.get_origin(tp) is typing.Annotated:
            for extra in typing.get_args(tp)[1:]:
                found.extend(getattr(extra, "metadata", []) or [extra])
        elif typing.get_origin(tp) in (typing.Union, types.UnionType):
            stack.extend(typing.get_args(tp))
    return found


def _bounds(info) -> tuple[Any, Any]:
    lo = hi = None
    for m in _metadata(info):
        if isinstance(m, annotated_types.Ge):
            lo = m.ge
        elif isinstance(m, annotated_types.Le):
            hi = m.le
        elif isinstance(m, annotated_types.Interval):
            lo = m.ge if m.ge is not None else lo
            hi = m.le if m.le is not None else hi
    return lo, hi


def _expect_text(info) -> str | None:
    """The plain-words description a field's type carries in json_schema_extra['expect']."""
    extras = [getattr(info, "json_schema_extra", None)]
    for tp in [getattr(info, "annotation", None)]:
        for arg in (typing.get_args(tp) if typing.get_origin(tp) in (typing.Union, types.UnionType) else [tp]):
            if typing.get_origin(arg) is typing.Annotated:
                extras += [getattr(x, "json_schema_extra", None) for x in typing.get_args(arg)[1:]]
    for extra in extras:
        if isinstance(extra, dict) and "expect" in extra:
            return extra["expect"]
    return None


def _got(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "...'"


def _expected(err: dict, info) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    lo, hi = _bounds(info)
    if kind in ("int_parsing", "int_type", "int_from_float", "greater_than_equal", "less_than_equal"):
        # a float field out of range (a layout's type.body) takes fractions: not "a whole number"
        number = "number" if info is not None and _unwrap(info.annotation) is float else "whole number"
        if lo is not None and hi is not None:
            return f"a {number} from {lo} to {hi}"
        if lo is not None:
            return f"a {number} of at least {lo}"
        return f"a {number}"
    if kind in ("float_parsing", "float_type"):
        return "a number"
    if kind in ("string_type", "string_sub_type"):
        return "text"
    if kind == "string_too_short":
        return "text that is not empty" if ctx.get("min_length") == 1 else f"at least {ctx.get('min_length')} characters"
    if kind == "string_too_long":
        return f"text of at most {ctx.get('max_length')} characters"
    if kind == "string_pattern_mismatch":
        return _expect_text(info) or f"text matching {ctx.get('pattern')}"
    if kind == "too_short":
        n = ctx.get("min_length")
        return f"a list of at least {n} item{'s' if n != 1 else ''}"
    if kind == "too_long":
        return f"a list of at most {ctx.get('max_length')} items"
    if kind in ("list_type", "tuple_type"):
        return "a list"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return "a mapping of keys"
    if kind in ("literal_error", "enum"):
        return f"one of {ctx.get('expected')}"
    if kind in ("date_type", "date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact"):
        return "a date like 2026-01-31"
    if kind in ("bool_type", "bool_parsing"):
        return "true or false"
    if kind == "union_tag_invalid":
        return f"a block type, one of {ctx.get('expected_tags')}"
    if kind == "union_tag_not_found":
        return f"a '{ctx.get('discriminator', 'type').strip(chr(39))}' key"
    return ""


def _problem(model: type[BaseModel], doc: Document, err: Any) -> Problem:
    loc = tuple(err["loc"])
    path = _data_path(doc, loc)
    kind = err["type"]
    if kind == "extra_forbidden":
        key = loc[-1]
        known = _known_keys(model, loc[:-1])
        hint = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
        suggestion = f"; did you mean '{hint[0]}'?" if hint else (f"; expected one of: {', '.join(known)}" if known else "")
        return doc.problem(path, f"unknown key '{key}'{suggestion}")
    if kind == "missing":
        return doc.problem(path, "required key is missing")
    if kind == "union_tag_invalid":
        node = _value_at(doc.data, path)
        if not isinstance(node, dict):
            return doc.problem(path, f"expected a mapping of keys, got {_got(node)}")
        if "type" not in node:
            return doc.problem(path, f"expected a 'type' key, got {_got(node)}")
        path = path + ("type",)
        err = {**err, "ctx": {**(err.get("ctx") or {}), "tag": str(node["type"])}}
    info = _field_info(model, loc)
    expected = _expected(err, info)
    if kind == "value_error" or not expected:
        message = err["msg"].removeprefix("Value error, ")
        if "input" in err and kind != "value_error":
            message += f", got {_got(err['input'])}"
        return doc.problem(path, message[:1].lower() + message[1:])
    got = repr(ctx_tag) if (ctx_tag := (err.get("ctx") or {}).get("tag")) is not None else _got(err.get("input"))
    return doc.problem(path, f"expected {expected}, got {got}")


def _value_at(data: Any, path: tuple) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _known_keys(model: type[BaseModel], loc: tuple) -> list[str]:
    """The field names allowed at loc (the mapping that had the unknown key)."""
    current, _ = _walk(model, loc)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []

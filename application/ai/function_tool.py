"""``@tool``: a typed Python function becomes a Tool, its schema read from the signature.

The parameter types give the JSON schema (through pydantic, so models, enums, lists, optionals and
defaults work), the docstring's first paragraph gives the description, and a Google-style
``Args:`` section gives each parameter's description. Arguments the model sends are validated
against the same types before the function runs; a mismatch goes back to the model as a tool
error naming the argument.
"""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Callable
from typing import Any, get_type_hints, overload

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model
from pydantic_core import to_jsonable_python

from roomkit.ports.tools import Tool

ARGS_HEADER = re.compile(r"^\s*(Args|Arguments|Parameters)\s*:\s*$")
ARG_LINE = re.compile(r"^\s*(\*{0,2}\w+)\s*(\([^)]*\))?\s*:\s*(.*)$")


class FunctionTool(Tool):
    """A Tool that calls a plain function (sync or async). Still callable as the function."""

    def __init__(
        self, fn: Callable[..., Any], *, name: str | None = None, description: str | None = None
    ) -> None:
        self.fn = fn
        self.name = name or fn.__name__
        summary, arg_docs = _parse_docstring(inspect.getdoc(fn) or "")
        self.description = description or summary
        if not self.description:
            raise TypeError(
                f"tool {self.name!r}: give the function a docstring (or description=...); the "
                "model chooses tools by their descriptions"
            )
        self.arguments_model = _arguments_model(fn, self.name, arg_docs)
        self.parameters = _schema(self.arguments_model)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.fn(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<tool {self.name}>"

    async def execute(self, arguments: dict[str, Any]) -> str:
        try:
            parsed = self.arguments_model.model_validate(arguments)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc']) or 'arguments'}: {err['msg']}"
                for err in exc.errors()
            )
            raise ValueError(f"invalid arguments: {problems}") from None
        kwargs = {field: getattr(parsed, field) for field in type(parsed).model_fields}
        result = self.fn(**kwargs)
        if inspect.isawaitable(result):
            result = await result
        if isinstance(result, str):
            return result
        return json.dumps(to_jsonable_python(result))


@overload
def tool(fn: Callable[..., Any], /) -> FunctionTool: ...


@overload
def tool(
    *, name: str | None = None, description: str | None = None
) -> Callable[[Callable[..., Any]], FunctionTool]: ...


def tool(
    fn: Callable[..., Any] | None = None,
    /,
    *,
    name: str | None = None,
    description: str | None = None,
) -> FunctionTool | Callable[[Callable[..., Any]], FunctionTool]:
    """Turn a typed function with a docstring into a tool: ``@tool`` or ``@tool(name=...)``."""
    if fn is not None:
        return FunctionTool(fn, name=name, description=description)
    return lambda f: FunctionTool(f, name=name, description=description)


def _parse_docstring(doc: str) -> tuple[str, dict[str, str]]:
    """The first paragraph, and the entries of a Google-style ``Args:`` section."""
    lines = doc.splitlines()
    summary: list[str] = []
    index = 0
    while index < len(lines) and lines[index].strip():
        summary.append(lines[index].strip())
        index += 1
    args: dict[str, str] = {}
    in_args, base, current = False, -1, ""
    for line in lines[index:]:
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        if ARGS_HEADER.match(line):
            in_args, base, current = True, -1, ""
            continue
        if not in_args:
            continue
        if base < 0:
            base = indent
        found = ARG_LINE.match(line)
        if indent == base and found:
            current = found.group(1).lstrip("*")
            args[current] = found.group(3).strip()
        elif indent > base and current:
            args[current] = f"{args[current]} {line.strip()}".strip()
        else:
            in_args = False  # dedented: the next section (Returns:, Raises:) begins
    return " ".join(summary), args


def _arguments_model(
    fn: Callable[..., Any], name: str, arg_docs: dict[str, str]
) -> type[BaseModel]:
    signature = inspect.signature(fn)
    hints = get_type_hints(fn)
    fields: dict[str, Any] = {}
    for param in signature.parameters.values():
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            raise TypeError(f"tool {name!r}: *{param.name} cannot be described to a model")
        if param.name not in hints:
            raise TypeError(f"tool {name!r}: parameter {param.name!r} needs a type annotation")
        default = ... if param.default is param.empty else param.default
        fields[param.name] = (
            hints[param.name],
            Field(default, description=arg_docs.get(param.name) or None),
        )
    model: type[BaseModel] = create_model(
        f"{name}_arguments", __config__=ConfigDict(extra="forbid"), **fields
    )
    return model


def _schema(model: type[BaseModel]) -> dict[str, Any]:
    schema = model.model_json_schema()
    _drop_titles(schema)
    schema.pop("additionalProperties", None)
    return schema


def _drop_titles(node: Any) -> None:
    if isinstance(node, dict):
        node.pop("title", None)
        for key, value in node.items():
            if key != "properties":
                _drop_titles(value)
            else:
                for prop in value.values():
                    _drop_titles(prop)
    elif isinstance(node, list):
        for item in node:
            _drop_titles(item)

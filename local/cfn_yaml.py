"""Read the CloudFormation template, short-form tags (!Ref, !Sub ...) included."""

from __future__ import annotations

import copy
import functools
from pathlib import Path
from typing import Any

import yaml

TEMPLATE = Path(__file__).resolve().parent.parent / "infrastructure" / "template.yaml"


# libyaml's loader when PyYAML has it: a tenth of the pure-Python one's time, and the
# template is read each time an embedded AWS is provisioned (every test worker, every stack).
class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    pass


def _tag(name: str):
    def construct(loader: yaml.Loader, node: yaml.Node) -> dict[str, Any]:
        if isinstance(node, yaml.ScalarNode):
            value: Any = loader.construct_scalar(node)
            if name == "Fn::GetAtt":
                value = value.split(".", 1)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)
        return {name: value}

    return construct


for _short in (
    "Ref",
    "Sub",
    "GetAtt",
    "Join",
    "Select",
    "Split",
    "If",
    "Not",
    "Equals",
    "And",
    "Or",
    "Condition",
    "FindInMap",
    "ImportValue",
    "Base64",
    "GetAZs",
):
    _full = "Ref" if _short == "Ref" else f"Fn::{_short}"
    _Loader.add_constructor(f"!{_short}", _tag(_full))


def load_template(path: Path = TEMPLATE) -> dict[str, Any]:
    """The template as data; a copy the caller may change."""
    return copy.deepcopy(_parsed(path, path.stat().st_mtime_ns))


@functools.lru_cache(maxsize=8)
def _parsed(path: Path, mtime_ns: int) -> dict[str, Any]:
    return yaml.load(path.read_text(), Loader=_Loader)  # noqa: S506 - SafeLoader subclass

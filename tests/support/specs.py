"""The platforms' own API descriptions in ../shared/specs (present in development and
CI, never copied into this repository): tests that need them skip without them."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

SPECS = Path(__file__).resolve().parents[2].parent / "shared" / "specs"


def require_spec(relative: str) -> Path:
    path = SPECS / relative
    if not path.exists():
        pytest.skip(
            f"{path} is absent: the platform specs live in ../shared/specs (see its README)"
        )
    return path


@cache
def load_json(relative: str) -> Any:
    return json.loads(require_spec(relative).read_text())

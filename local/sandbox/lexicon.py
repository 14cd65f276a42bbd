"""A small AT Protocol lexicon validator: records checked against the lexicon JSON in
../shared/specs/bluesky/lexicons (types, required fields, byte and grapheme lengths,
formats, unions, blobs), as a PDS does with `validate: true`."""

from __future__ import annotations

import json
import re
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

LEXICONS = Path(__file__).resolve().parents[2] / ".." / "shared" / "specs" / "bluesky" / "lexicons"
TID = re.compile(r"^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$")
RECORD_KEY = re.compile(r"^[A-Za-z0-9._:~-]{1,512}$")


@cache
def documents(root: Path = LEXICONS) -> dict[str, dict[str, Any]]:
    """Every lexicon under `root`, by NSID (empty when the specs are absent)."""
    if not root.exists():
        return {}
    docs = {}
    for path in root.rglob("*.json"):
        doc = json.loads(path.read_text())
        if "id" in doc:
            docs[doc["id"]] = doc
    return docs


def graphemes(text: str) -> int:
    import regex

    return len(regex.findall(r"\X", text))


class Validator:
    def __init__(self, docs: dict[str, dict[str, Any]] | None = None) -> None:
        self.docs = documents() if docs is None else docs

    def record(self, nsid: str, value: Any) -> list[str]:
        """The problems of `value` as a record of collection `nsid` (none: valid)."""
        main = self._definition(nsid, "main")
        if main is None:
            return [f"unknown lexicon {nsid}"]
        errors: list[str] = []
        if not isinstance(value, dict) or value.get("$type") != nsid:
            errors.append(f"$type must be {nsid}")
        self._check(main["record"], value, "record", nsid, errors)
        return errors

    def _definition(self, nsid: str, name: str) -> dict[str, Any] | None:
        doc = self.docs.get(nsid)
        return None if doc is None else doc.get("defs", {}).get(name)

    def _resolve(self, ref: str, context: str) -> tuple[dict[str, Any] | None, str, str]:
        nsid, _, name = ref.partition("#")
        nsid = nsid or context
        return self._definition(nsid, name or "main"), nsid, name or "main"

    def _check(
        self, schema: dict[str, Any], value: Any, path: str, context: str, errors: list[str]
    ) -> None:
        kind = schema.get("type")
        if kind == "ref":
            target, nsid, _ = self._resolve(schema["ref"], context)
            if target is None:
                errors.append(f"{path}: unresolvable ref {schema['ref']}")
            else:
                self._check(target, value, path, nsid, errors)
        elif kind == "union":
            self._union(schema, value, path, context, errors)
        elif kind in ("object", "record"):
            self._object(schema.get("record", schema), value, path, context, errors)
        elif kind == "string":
            self._string(schema, value, path, errors)
        elif kind == "integer":
            if not isinstance(value, int) or isinstance(value, bool):
                errors.append(f"{path}: expected an integer")
            elif value < schema.get("minimum", value) or value > schema.get("maximum", value):
                errors.append(f"{path}: {value} is out of range")
        elif kind == "boolean":
            if not isinstance(value, bool):
                errors.append(f"{path}: expected a boolean")
        elif kind == "array":
            if not isinstance(value, list):
                errors.append(f"{path}: expected an array")
                return
            if len(value) > schema.get("maxLength", len(value)) or len(value) < schema.get(
                "minLength", 0
            ):
                errors.append(f"{path}: {len(value)} items is out of range")
            for index, item in enumerate(value):
                self._check(schema["items"], item, f"{path}[{index}]", context, errors)
        elif kind == "blob":
            self._blob(schema, value, path, errors)
        elif kind == "unknown":
            if not isinstance(value, dict):
                errors.append(f"{path}: expected an object")
        elif kind == "cid-link" and not (
            isinstance(value, dict) and isinstance(value.get("$link"), str)
        ):
            errors.append(f"{path}: expected a CID link")

    def _object(
        self, schema: dict[str, Any], value: Any, path: str, context: str, errors: list[str]
    ) -> None:
        if not isinstance(value, dict):
            errors.append(f"{path}: expected an object")
            return
        nullable = set(schema.get("nullable", []))
        for name in schema.get("required", []):
            if name not in value:
                errors.append(f"{path}.{name} is required")
        for name, prop in schema.get("properties", {}).items():
            if name in value and not (value[name] is None and name in nullable):
                self._check(prop, value[name], f"{path}.{name}", context, errors)

    def _union(
        self, schema: dict[str, Any], value: Any, path: str, context: str, errors: list[str]
    ) -> None:
        if not isinstance(value, dict) or not isinstance(value.get("$type"), str):
            errors.append(f"{path}: a union member needs $type")
            return
        wanted = value["$type"].removesuffix("#main")
        for ref in schema.get("refs", []):
            target, nsid, name = self._resolve(ref, context)
            full = nsid if name == "main" else f"{nsid}#{name}"
            if full == wanted and target is not None:
                self._check(target, value, path, nsid, errors)
                return
        if schema.get("closed"):
            errors.append(f"{path}: $type {wanted} is not allowed here")

    def _string(self, schema: dict[str, Any], value: Any, path: str, errors: list[str]) -> None:
        if not isinstance(value, str):
            errors.append(f"{path}: expected a string")
            return
        size = len(value.encode())
        if size > schema.get("maxLength", size) or size < schema.get("minLength", 0):
            errors.append(f"{path}: {size} bytes is out of range")
        if "maxGraphemes" in schema or "minGraphemes" in schema:
            count = graphemes(value)
            if count > schema.get("maxGraphemes", count) or count < schema.get("minGraphemes", 0):
                errors.append(f"{path}: {count} graphemes is out of range")
        if "enum" in schema and value not in schema["enum"]:
            errors.append(f"{path}: {value!r} is not one of {schema['enum']}")
        if "const" in schema and value != schema["const"]:
            errors.append(f"{path}: must be {schema['const']!r}")
        problem = _format_problem(schema.get("format"), value)
        if problem:
            errors.append(f"{path}: {problem}")

    def _blob(self, schema: dict[str, Any], value: Any, path: str, errors: list[str]) -> None:
        if not isinstance(value, dict) or value.get("$type") != "blob":
            errors.append(f"{path}: expected a blob")
            return
        mime, size = value.get("mimeType", ""), value.get("size")
        if not isinstance((value.get("ref") or {}).get("$link"), str) or not isinstance(size, int):
            errors.append(f"{path}: a blob needs ref.$link and size")
            return
        accept = schema.get("accept")
        if accept and not any(
            mime == a or (a.endswith("/*") and mime.startswith(a[:-1])) or a == "*/*"
            for a in accept
        ):
            errors.append(f"{path}: {mime} is not accepted ({', '.join(accept)})")
        if size > schema.get("maxSize", size):
            errors.append(f"{path}: {size} bytes is over the {schema['maxSize']} byte limit")


def _format_problem(fmt: str | None, value: str) -> str | None:
    if fmt == "datetime":
        if not re.match(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$", value):
            return f"{value!r} is not an RFC 3339 datetime"
        try:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return f"{value!r} is not a valid datetime"
    elif fmt == "uri" and not re.match(r"^[a-z][a-z0-9+.-]*:\S+$", value):
        return f"{value!r} is not a URI"
    elif fmt == "at-uri" and not value.startswith("at://"):
        return f"{value!r} is not an at:// URI"
    elif fmt == "did" and not re.match(r"^did:[a-z]+:[a-zA-Z0-9._:%-]+$", value):
        return f"{value!r} is not a DID"
    elif fmt == "language" and not re.match(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]+)*$", value):
        return f"{value!r} is not a BCP-47 language tag"
    elif fmt == "tid" and not TID.match(value):
        return f"{value!r} is not a TID"
    elif fmt == "record-key" and (not RECORD_KEY.match(value) or value in (".", "..")):
        return f"{value!r} is not a record key"
    return None

"""A local endpoint that speaks Bedrock's Converse REST API (`POST /model/{modelId}/converse`).

The real boto3 `bedrock-runtime` client talks to it with `endpoint_url`: the tests read
each request as Bedrock would receive it (model, system prompt, tool schema, limits) and
script the answers, including Bedrock's failures (throttling, validation errors) and a
model's (no tool call, output that does not match the schema, a body that is not JSON).

With no answer scripted it calls the requested tool with `by_tool[name]`, or a value
built from the tool's JSON schema, so `make dev` with `SCHEDULO_AI_MODEL_ID` set and
`SCHEDULO_BEDROCK_ENDPOINT` pointing here runs the Bedrock path end to end:

    .venv/bin/python -m local.bedrock_server --port 8011
"""

from __future__ import annotations

import argparse
import json
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote


@dataclass
class Reply:
    """One scripted answer: `tool_input` as the model's tool call, or an error, or raw
    bytes (a malformed body), or plain assistant text (a model that ignored the tool)."""

    status: int = 200
    tool_input: Any = None
    error_type: str | None = None
    message: str = ""
    raw: bytes | None = None
    text: str | None = None
    input_tokens: int = 120
    output_tokens: int = 80


def answer(tool_input: Any, input_tokens: int = 120, output_tokens: int = 80) -> Reply:
    return Reply(tool_input=tool_input, input_tokens=input_tokens, output_tokens=output_tokens)


def throttled() -> Reply:
    return Reply(429, error_type="ThrottlingException", message="Too many requests, please wait.")


def validation_error(message: str = "The provided model identifier is invalid.") -> Reply:
    return Reply(400, error_type="ValidationException", message=message)


def malformed() -> Reply:
    return Reply(200, raw=b'{"output": {"message": {"content": [{"toolUse": ')


def plain_text(text: str = "Here is your caption!") -> Reply:
    return Reply(text=text)


@dataclass
class Seen:
    model_id: str
    body: dict[str, Any]
    headers: dict[str, str]


@dataclass
class ConverseServer:
    host: str = "127.0.0.1"
    port: int = 0
    replies: deque[Reply] = field(default_factory=deque)
    requests: list[Seen] = field(default_factory=list)
    # The tool input by tool name when no reply is scripted (else one from the schema).
    by_tool: dict[str, Any] = field(default_factory=dict)
    _server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://{self.host}:{self._server.server_address[1]}"

    def script(self, *replies: Reply) -> None:
        with self._lock:
            self.replies.extend(replies)

    def _next(self) -> Reply | None:
        with self._lock:
            return self.replies.popleft() if self.replies else None

    def _unscripted(self, body: dict[str, Any]) -> Any:
        tools = (body.get("toolConfig") or {}).get("tools") or [{}]
        name = (tools[0].get("toolSpec") or {}).get("name")
        if name in self.by_tool:
            return self.by_tool[name]
        return _example(body)

    def start(self) -> ConverseServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                parts = self.path.split("/")
                if len(parts) != 4 or parts[1] != "model" or parts[3] != "converse":
                    self._send(
                        404, {"message": f"no route {self.path}"}, "ResourceNotFoundException"
                    )
                    return
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    self._send(400, {"message": "body is not JSON"}, "ValidationException")
                    return
                model_id = unquote(parts[2])
                with server._lock:
                    server.requests.append(Seen(model_id, body, dict(self.headers.items())))
                reply = server._next() or Reply(tool_input=server._unscripted(body))
                if reply.error_type:
                    self._send(reply.status, {"message": reply.message}, reply.error_type)
                elif reply.raw is not None:
                    self._send_bytes(reply.status, reply.raw)
                else:
                    self._send(reply.status, _converse_output(body, reply))

            def _send(self, status: int, payload: dict[str, Any], error: str | None = None) -> None:
                self._send_bytes(status, json.dumps(payload).encode(), error)

            def _send_bytes(self, status: int, data: bytes, error: str | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("x-amzn-RequestId", "local-0000")
                if error:
                    self.send_header("x-amzn-ErrorType", f"{error}:http://internal.amazon.com/")
                self.end_headers()
                self.wfile.write(data)

        self._server = ThreadingHTTPServer((self.host, self.port), Handler)
        self._server.daemon_threads = True
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


def _converse_output(body: dict[str, Any], reply: Reply) -> dict[str, Any]:
    if reply.text is not None:
        content: list[dict[str, Any]] = [{"text": reply.text}]
        stop = "end_turn"
    else:
        tools = (body.get("toolConfig") or {}).get("tools") or [{}]
        name = (tools[0].get("toolSpec") or {}).get("name", "answer")
        content = [
            {"toolUse": {"toolUseId": "tooluse_local", "name": name, "input": reply.tool_input}}
        ]
        stop = "tool_use"
    return {
        "output": {"message": {"role": "assistant", "content": content}},
        "stopReason": stop,
        "usage": {
            "inputTokens": reply.input_tokens,
            "outputTokens": reply.output_tokens,
            "totalTokens": reply.input_tokens + reply.output_tokens,
        },
        "metrics": {"latencyMs": 5},
    }


def _example(body: dict[str, Any]) -> Any:
    """A value valid against the requested tool's schema (for a scriptless `make dev`)."""
    tools = (body.get("toolConfig") or {}).get("tools") or [{}]
    schema = ((tools[0].get("toolSpec") or {}).get("inputSchema") or {}).get("json") or {}
    return _from_schema(schema, "post")


def _from_schema(schema: dict[str, Any], name: str) -> Any:
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    if "anyOf" in schema:
        return _from_schema(next(s for s in schema["anyOf"] if s.get("type") != "null"), name)
    kind = schema.get("type")
    if kind == "object":
        return {
            key: _from_schema(sub, key)
            for key, sub in (schema.get("properties") or {}).items()
            if key in schema.get("required", []) or sub.get("type") != "null"
        }
    if kind == "array":
        count = max(1, int(schema.get("minItems", 1)))
        return [
            _from_schema(schema.get("items") or {"type": "string"}, f"{name} {n + 1}")
            for n in range(count)
        ]
    if kind == "integer":
        return int(schema.get("minimum", 1))
    if kind == "number":
        return float(schema.get("minimum", 1))
    if kind == "boolean":
        return False
    text = f"A {name.replace('_', ' ')} from the local Bedrock endpoint"
    return text[: int(schema.get("maxLength", len(text)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8011)
    args = parser.parse_args()
    server = ConverseServer(port=args.port).start()
    print(f"Converse endpoint on {server.url} (SCHEDULO_BEDROCK_ENDPOINT={server.url})")
    threading.Event().wait()


if __name__ == "__main__":
    main()

"""The Bedrock writer (Converse API). Being written: see chalicelib/ai/writer.py."""

from __future__ import annotations

from chalicelib.ai.offline import OfflineWriter


class BedrockWriter(OfflineWriter):
    def __init__(self, model_id: str, endpoint_url: str | None = None) -> None:
        self.model_id = model_id
        self.endpoint_url = endpoint_url

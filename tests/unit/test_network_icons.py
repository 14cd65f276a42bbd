"""The web app's network marks (frontend/src/components/NetworkIcon.tsx) cover every
network the API supports, under the API's ids, in its order."""

import re
from pathlib import Path

from chalicelib.networks.registry import NETWORK_IDS

ICONS = Path(__file__).resolve().parents[2] / "frontend" / "src" / "components" / "NetworkIcon.tsx"


def test_every_network_has_a_mark_under_its_api_id() -> None:
    source = ICONS.read_text()
    listed = re.search(r"export const NETWORK_IDS = \[(.*?)\] as const", source, re.S)
    assert listed, "NETWORK_IDS not found in NetworkIcon.tsx"
    assert tuple(re.findall(r'"([a-z]+)"', listed.group(1))) == NETWORK_IDS

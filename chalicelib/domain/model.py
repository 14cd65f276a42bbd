"""The base of every request, response and domain model.

`defer_build`: pydantic builds a model's validator on first use rather than when the
class is defined, so `import app` (the cold start) does not build every route's models.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, GetJsonSchemaHandler


class Model(BaseModel):
    model_config = ConfigDict(defer_build=True)


class OneOf:
    """JSON schema of a string field: the values its validator accepts, as an enum.

    `Annotated[str, AfterValidator(check), OneOf(names)]`: `names` is called only when a
    schema is asked for (the OpenAPI document), never at import or validation. A long list
    is named (`component`): the OpenAPI document then lists it once and refers to it."""

    def __init__(self, values: Callable[[], Iterable[str]], component: str | None = None) -> None:
        self.values = values
        self.component = component

    def __get_pydantic_json_schema__(
        self, core_schema: Any, handler: GetJsonSchemaHandler
    ) -> dict[str, Any]:
        schema = handler(core_schema)
        schema["enum"] = list(self.values())
        if self.component:
            schema["x-component"] = self.component
        return schema


def network_ids() -> tuple[str, ...]:
    """The networks the registry knows (imported on first use: adapters are not cheap)."""
    from chalicelib.networks.registry import NETWORK_IDS

    return NETWORK_IDS


def _known_network(value: str) -> str:
    if value not in network_ids():
        raise ValueError(f"must be one of {', '.join(network_ids())}")
    return value


# A network's id, checked against the registry and documented as its enum.
NetworkName = Annotated[str, AfterValidator(_known_network), OneOf(network_ids)]

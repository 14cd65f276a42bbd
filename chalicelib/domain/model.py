"""The base of every request, response and domain model.

`defer_build`: pydantic builds a model's validator on first use rather than when the
class is defined, so `import app` (the cold start) does not build every route's models.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Model(BaseModel):
    model_config = ConfigDict(defer_build=True)

"""What every generation goes through: the workspace's AI credits (a billing meter), its
generations per hour, and a circuit breaker around the provider.

- AI credits: `entitlements.take(..., Meter.AI_CREDITS_PER_MONTH)`, counted per UTC month
  and enforced only when billing is on (402 `plan_limit` / `plan_feature`); given back
  when the provider fails, so a failure costs nothing.
- Generations per hour per workspace (`SCHEDULO_AI_GENERATIONS_PER_HOUR`, also without
  billing: it protects the provider account's quota): 429 naming the limit.
- The breaker: after `FAILURES` failed calls in a row to one provider it stops calling it
  for `REST_SECONDS` (503 `writer_unavailable` at once, instead of every request waiting
  on a provider that is down), then lets one call through to see whether it is back. Its
  state is per container: each Lambda container learns on its own, within a few calls.
  The offline writer does not fail and is not behind it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from chalicelib.ai.writer import Writer, WriterFailed, WriterUnavailable
from chalicelib.errors import RateLimited

T = TypeVar("T")
HOUR = 3600
FAILURES = 3
REST_SECONDS = 60.0
# The hour windows' clock (tests hold it in the middle of an hour).
clock: Callable[[], float] = time.time


def spend(workspace_id: str, credits: int) -> None:
    """Count `credits` generations against the workspace's monthly AI credits and its
    hourly generations, or raise (402 over the plan, 429 over the hour); nothing is counted
    when it raises."""
    from chalicelib.billing import entitlements
    from chalicelib.billing.plans import Meter
    from chalicelib.settings import get_settings
    from chalicelib.store import rate_limits

    if credits <= 0:
        return
    entitlements.take(workspace_id, Meter.AI_CREDITS_PER_MONTH, credits)
    per_hour = get_settings().ai_generations_per_hour
    taken = rate_limits.take(
        [(f"ai-generations:{workspace_id}", per_hour)], HOUR, now=clock(), cost=credits
    )
    if not taken.ok:
        entitlements.give_back(workspace_id, Meter.AI_CREDITS_PER_MONTH, credits)
        raise RateLimited(
            f"This workspace may ask for {per_hour} AI generations an hour "
            f"(SCHEDULO_AI_GENERATIONS_PER_HOUR); {credits} more would pass it. "
            f"Try again in {_minutes(taken.retry_after)}.",
            taken.retry_after,
        )


def refund(workspace_id: str, credits: int) -> None:
    """The generation failed: its credits go back (the hour's count stays: it was asked)."""
    from chalicelib.billing import entitlements
    from chalicelib.billing.plans import Meter

    entitlements.give_back(workspace_id, Meter.AI_CREDITS_PER_MONTH, credits)


def _minutes(seconds: int) -> str:
    if seconds < 90:
        return f"{max(1, seconds)} seconds"
    return f"{round(seconds / 60)} minutes"


@dataclass
class _State:
    failures: int = 0
    open_until: float = 0.0
    trial_running: bool = False


@dataclass
class Breaker:
    """Per provider (the writer's name): closed, open for `rest_seconds` after `failures`
    failures in a row, then half open (one trial call; others still refused)."""

    failures: int = FAILURES
    rest_seconds: float = REST_SECONDS
    clock: Callable[[], float] = time.monotonic
    _states: dict[str, _State] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def call(self, provider: str, work: Callable[[], T]) -> T:
        self._enter(provider)
        try:
            result = work()
        except (WriterUnavailable, WriterFailed):
            self._failed(provider)
            raise
        except BaseException:
            self._release(provider)
            raise
        self._succeeded(provider)
        return result

    def is_open(self, provider: str) -> bool:
        with self._lock:
            state = self._states.get(provider)
            return bool(state and state.open_until > self.clock())

    def _enter(self, provider: str) -> None:
        with self._lock:
            state = self._states.setdefault(provider, _State())
            now = self.clock()
            if state.open_until > now:
                raise WriterUnavailable(
                    f"The writer {provider} failed {state.failures} times in a row; it is "
                    f"not called for {round(state.open_until - now)} more seconds",
                    round(state.open_until - now),
                )
            if state.open_until:
                # Half open: this call is the trial; the next ones wait for its outcome.
                if state.trial_running:
                    raise WriterUnavailable(
                        f"The writer {provider} is being tried again after failing; "
                        "ask again in a few seconds",
                        5,
                    )
                state.trial_running = True

    def _failed(self, provider: str) -> None:
        with self._lock:
            state = self._states.setdefault(provider, _State())
            state.failures += 1
            state.trial_running = False
            if state.failures >= self.failures or state.open_until:
                state.open_until = self.clock() + self.rest_seconds

    def _succeeded(self, provider: str) -> None:
        with self._lock:
            self._states[provider] = _State()

    def _release(self, provider: str) -> None:
        with self._lock:
            state = self._states.get(provider)
            if state:
                state.trial_running = False

    def reset(self) -> None:
        with self._lock:
            self._states.clear()


breaker = Breaker()


def generate(workspace_id: str, writer: Writer, credits: int, work: Callable[[], T]) -> T:
    """`work()` (calls on `writer`) paid for with `credits`, behind the breaker; the credits
    are given back when the provider fails."""
    spend(workspace_id, credits)
    try:
        if writer.name == "offline":
            return work()
        return breaker.call(writer.name, work)
    except (WriterUnavailable, WriterFailed):
        refund(workspace_id, credits)
        raise

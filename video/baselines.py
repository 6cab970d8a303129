"""The storage strategies compared by the benchmark, all built from the same profile.

* ``golden``: one rich format (full resolution, every frame, colour) serves every query;
* ``all``: every consumption format the (operator, target) pairs need is stored as such,
  each with the coding the configurator would give it, and nothing is coalesced;
* ``auto``: the configurator's minimum set (coalesced, within the budgets).
"""

from __future__ import annotations

from video.configurator import Configuration, Configurator
from video.errors import BadArgumentError
from video.formats import GOLDEN, StorageFormat

STRATEGIES = ("auto", "golden", "all")


def strategy_formats(strategy: str, configurator: Configurator, ops: list[str],
                     targets: list[float], ingest_budget: float | None = None,
                     storage_budget: float | None = None, cascades: list[list[str]] = (),
                     ) -> tuple[list[StorageFormat], Configuration | None]:
    """The storage formats ``strategy`` keeps, and the configuration behind them if any."""
    if strategy == "golden":
        return [GOLDEN], None
    if strategy == "all":
        config = configurator.configure(ops, targets, coalesce=False, cascades=cascades)
        return config.formats, config
    if strategy == "auto":
        config = configurator.configure(ops, targets, ingest_budget, storage_budget,
                                        cascades=cascades)
        return config.formats, config
    raise BadArgumentError(f"unknown format strategy {strategy!r} (valid: {', '.join(STRATEGIES)})")

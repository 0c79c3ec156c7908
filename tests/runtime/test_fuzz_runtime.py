"""The runtime against random faults (tests/support/fuzz.py): a fixed set of seeds, sync and
async. ``python -m benchmarks.fuzz_runtime --minutes 5`` runs the same scenarios for longer."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.fuzz import RUNNERS, Stats, idle
from tests.support.hostile import HostileServer

SEEDS = {"sync": range(1000, 1060), "async": range(2000, 2050)}


@pytest.mark.slow
@pytest.mark.parametrize("mode", sorted(RUNNERS))
def test_random_faults_keep_the_invariants(kc: Any, mode: str) -> None:
    stats = Stats()
    with HostileServer(idle) as server:
        for seed in SEEDS[mode]:
            RUNNERS[mode](kc, server, seed, stats)
    assert stats.scenarios == len(SEEDS[mode])
    # the seeds reach both ends: answers that succeed and faults that raise
    assert stats.outcomes.get("ok", 0) > 0 and len(stats.outcomes) >= 4, stats.outcomes

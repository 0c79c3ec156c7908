"""Shared pytest setup: hypothesis runs derandomised, with no example database, in CI.

With ``CI`` set (any CI service sets it), the ``ci`` profile makes every property test draw the
same examples on every run and keeps no database, so a failure found once is not replayed into
later, unrelated runs. Locally the ``dev`` profile keeps hypothesis' defaults but no database
either: the tests need nothing outside the repository and leave nothing behind.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("dev", database=None)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)

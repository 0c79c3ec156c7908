"""The reading pipeline in one call: inputs -> raw rows -> model, with every problem collected."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..baseline import Baseline
from ..problems import Level, Problem, Problems, SpecError
from ..reader.workbook import read_inputs
from .build import build_spec
from .config import Config, find_config_dir, load_config
from .consistency import (
    open_lists_examples_contradict,
    type_json_in_strings,
    warn_contradicting_enums,
)
from .core import Spec
from .selfcheck import SelfCheck, check_examples


@dataclass(frozen=True)
class Loaded:
    spec: Spec
    problems: list[Problem]
    config: Config
    self_check: SelfCheck | None = None  # the sheets' examples against the models

    @property
    def notes(self) -> list[str]:
        """Lines to show after the problems: the self-check's summary."""
        checked = self.self_check
        if checked is None:
            return []
        lines = [checked.summary()] if checked.examples else []
        unnamed = checked.unnamed_line()
        return [*lines, unnamed] if unnamed else lines


def load(
    paths: Sequence[Path],
    *,
    config_dir: Path | None = None,
    use_config: bool = True,
    strict: bool = False,
    lenient_config: bool = False,
    self_check: bool = True,
    baseline: Baseline | None = None,
) -> Loaded:
    """Read every input, build the model, and check the sheets' examples against it.

    Raises SpecError (with every problem found) when there is an error, or with ``strict`` a
    warning not acknowledged in ``baseline``. ``config_dir`` defaults to the first directory
    input that holds config files.
    The self-check (``self_check``) reports each example that disagrees with the models as a
    warning and sums up in ``Loaded.self_check``; it runs only on a model built without errors.
    """
    problems = Problems()
    directory = config_dir if config_dir is not None else find_config_dir(paths)
    config = load_config(directory if use_config else None, problems)
    book = read_inputs(paths, problems)
    spec = build_spec(book, config, problems, lenient_config=lenient_config)
    if not problems.error_count:
        spec = open_lists_examples_contradict(spec, problems)
        warn_contradicting_enums(spec, problems)
        spec = type_json_in_strings(spec)
    checked = None
    if self_check and not problems.error_count:
        checked = check_examples(spec, problems)
    fresh = baseline.split(problems.items)[0] if baseline is not None else problems.items
    if problems.error_count or (strict and any(p.level is Level.WARNING for p in fresh)):
        raise SpecError(problems.items, [checked.summary()] if checked and checked.examples else [])
    return Loaded(spec, problems.items, config, checked)

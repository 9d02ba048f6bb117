"""scripts/load_test.py stays runnable: a few seconds in CI, three minutes in the long run."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
from reliability_support import needs_script

pytestmark = needs_script

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "load_test.py"


def load_test() -> ModuleType:
    spec = importlib.util.spec_from_file_location("load_test", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_a_short_load_holds(tmp_path: Path) -> None:
    outcome = load_test().run(seconds=3, clients=10, workers=1, max_requests=3000, base=tmp_path)
    assert outcome.result.requests >= 100
    assert outcome.result.server_errors == 0
    assert outcome.failure_ratio == 0
    assert all(outcome.books.values()), outcome.books
    assert outcome.log_clean
    assert outcome.passed


@pytest.mark.reliability_long
def test_fifty_clients_for_three_minutes(tmp_path: Path) -> None:
    outcome = load_test().run(
        seconds=180, clients=50, workers=2, max_requests=500_000, base=tmp_path
    )
    assert outcome.result.server_errors == 0
    assert outcome.passed, outcome.summary()

"""Bundles generated once per test session: the tiny world for most tests, local for calibration."""

from __future__ import annotations

from pathlib import Path

import pytest

from cairn.world.generator import Generated, generate


@pytest.fixture(scope="session")
def tiny_world(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    return generate("tiny", 7, tmp_path_factory.mktemp("tiny") / "bundle")


@pytest.fixture(scope="session")
def local_world(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    return generate("local", 2012, tmp_path_factory.mktemp("local") / "bundle")


@pytest.fixture
def tiny_bundle(tiny_world: Generated) -> Path:
    return tiny_world.out

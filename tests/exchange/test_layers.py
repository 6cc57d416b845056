"""The engine's import contract names every other module of sessions_app, also new ones."""

import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.db_independent


def test_the_engine_contract_forbids_every_other_sessions_app_module():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contract = next(
        c
        for c in config["tool"]["importlinter"]["contracts"]
        if c["source_modules"] == ["sessions_app.grouping"]
    )
    package = ROOT / "sessions_app"
    modules = {
        f"sessions_app.{path.stem}"
        for path in package.iterdir()
        if (path.suffix == ".py" and path.stem != "__init__")
        or (path.is_dir() and (path / "__init__.py").exists())
    } - {"sessions_app.grouping"}
    forbidden = {name for name in contract["forbidden_modules"] if name.startswith("sessions_")}
    assert forbidden == modules

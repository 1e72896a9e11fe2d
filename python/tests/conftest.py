"""Shared setup of the package's tests: run from the top of the tree by
`make check-python` (PYTHONPATH=python, NNDERIVE_LIBRARY=build/libnnderive.so.0).
Compiled objects go to a cache directory of this run, never to ~/.cache."""

import os
import pathlib
import tempfile

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
BUILD = ROOT / os.environ.get("ND_BUILD", "build")

_cache = tempfile.TemporaryDirectory(prefix="nnderive-pytest-")
os.environ["XDG_CACHE_HOME"] = _cache.name
# the tests start other processes, some in other directories: absolute paths
os.environ["PYTHONPATH"] = os.pathsep.join(
    [str(ROOT / "python")] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep)
                              if p and p != "python"])
if os.environ.get("NNDERIVE_LIBRARY"):
    os.environ["NNDERIVE_LIBRARY"] = os.path.abspath(os.environ["NNDERIVE_LIBRARY"])


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch):
    """An empty cache directory, and the in-process memo cleared."""
    from nnderive import compiled
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(compiled, "_memo", {})
    return tmp_path / "nnderive"


def example(name):
    return EXAMPLES / (name + ".nd")


EXAMPLE_NAMES = sorted(p.stem for p in EXAMPLES.glob("*.nd"))

"""make install puts the package where python3 finds it, with libnnderive
linked beside it; a pip install of python/ works too (in a venv)."""

import importlib.util
import os
import shutil
import subprocess
import sys

import pytest

from conftest import BUILD, ROOT


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "NNDERIVE_LIBRARY")}
    env.update(extra)
    return env


def make(*args):
    subprocess.run(["make", "-s", "BUILD=%s" % BUILD.relative_to(ROOT),
                    "OPT=%s" % os.environ.get("ND_OPT", "-O2 -g"),
                    "LDFLAGS=%s" % os.environ.get("ND_LDFLAGS", ""), *args], cwd=ROOT,
                   check=True, stdout=subprocess.DEVNULL)


def make_install(prefix):
    try:
        make("install", "PREFIX=%s" % prefix, "PYTHON=%s" % sys.executable)
    finally:    # nnderive.pc named the temporary prefix: back to the default one
        make(str((BUILD / "nnderive.pc").relative_to(ROOT)))


def test_make_install_puts_the_package_beside_the_library(tmp_path):
    make_install(tmp_path)
    site = tmp_path / "lib" / ("python%d.%d" % sys.version_info[:2]) / "dist-packages"
    package = site / "nnderive"
    assert (package / "__init__.py").exists() and (package / "compiled.py").exists()
    link = package / "libnnderive.so.0"
    assert os.readlink(link) == str(tmp_path / "lib" / "libnnderive.so.0.1.0")
    code = ("import nnderive, numpy as np; print(nnderive.library); "
            "print(nnderive.Program('L = x\\'*x').gradients().strip())")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=tmp_path, env=clean_env(PYTHONPATH=str(site)), check=True)
    assert run.stdout.split("\n")[:2] == [str(link), "dL/dx = 2*x"]


def test_without_a_library_the_import_says_what_to_do(tmp_path):
    shutil.copytree(ROOT / "python" / "nnderive", tmp_path / "nnderive")
    run = subprocess.run([sys.executable, "-c", "import nnderive"], capture_output=True,
                         text=True, cwd=tmp_path, env=clean_env(LD_LIBRARY_PATH=""))
    if run.returncode == 0:
        pytest.skip("a libnnderive is installed on the loader path")
    assert "cannot load libnnderive" in run.stderr and "NNDERIVE_LIBRARY" in run.stderr
    bad = subprocess.run([sys.executable, "-c", "import nnderive"], capture_output=True,
                         text=True, cwd=tmp_path,
                         env=clean_env(NNDERIVE_LIBRARY=str(tmp_path / "nope.so")))
    assert bad.returncode != 0 and "NNDERIVE_LIBRARY=%s" % (tmp_path / "nope.so") in bad.stderr


def test_pip_install_into_a_venv(tmp_path):
    # setuptools before 70 builds wheels with the wheel package
    if not all(importlib.util.find_spec(m) for m in ("setuptools", "wheel")):
        pytest.skip("no setuptools or wheel (apt-get install python3-setuptools python3-wheel)")
    venv = tmp_path / "venv"
    # Debian's pip, when installed, serves the venv (seen through its system
    # site-packages) and spares installing one into it (seconds)
    system_pip = importlib.util.find_spec("pip") is not None
    made = subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)]
                          + (["--without-pip"] if system_pip else []),
                          capture_output=True, text=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip"]
    if made.returncode != 0 or subprocess.run(pip + ["--version"],
                                              capture_output=True).returncode != 0:
        pytest.skip("no venv with pip (apt-get install python3-venv)")
    source = tmp_path / "src"
    shutil.copytree(ROOT / "python", source, ignore=shutil.ignore_patterns("tests"))
    subprocess.run(pip + ["install", "-q", "--no-index", "--no-build-isolation", str(source)],
                   check=True, capture_output=True, cwd=tmp_path)
    code = "import nnderive; print(nnderive.__file__); print(nnderive.library)"
    run = subprocess.run([str(venv / "bin" / "python"), "-c", code], capture_output=True,
                         text=True, cwd=tmp_path, check=True,
                         env=clean_env(NNDERIVE_LIBRARY=str(BUILD / "libnnderive.so.0")))
    where, library = run.stdout.split()
    assert where.startswith(str(venv)) and library == str(BUILD / "libnnderive.so.0")

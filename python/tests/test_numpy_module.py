"""Program.numpy(): the --numpy module as the command prints it, loaded and
run against the NumPy closed forms of test_compile (each checked equal to
the derived gradient by the library's MPFR checker) and against the
compiled callable; its shape errors."""

import subprocess

import numpy as np
import pytest

import nnderive
from conftest import BUILD, EXAMPLE_NAMES, ROOT, example
from test_compile import CLOSED, close

rng = np.random.default_rng(20261202)


def command(*args):
    run = subprocess.run([str(BUILD / "nnderive"), *args], capture_output=True, text=True,
                         cwd=ROOT)
    return run.stdout, run.returncode


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_the_module_is_the_commands(name):
    path = "examples/%s.nd" % name
    p = nnderive.Program(ROOT / path, name=path)
    assert p.numpy() == command(path, "--numpy")[0]
    text = p.numpy(name="grads")
    assert text == command(path, "--numpy", "--name", "grads")[0]
    assert "\ndef grads(" in text and "import numpy as np\n" in text


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_the_module_against_the_closed_forms(name):
    f = nnderive.Program(example(name)).numpy_function()
    make = CLOSED[name][0]
    small = (1, 1) if name.startswith("autoencoder") else (1, 1, 1)
    large = (9, 13) if name.startswith("autoencoder") else (17, 3, 10)
    for sizes in [(), small, large]:
        inputs, value, grads = make(*sizes)
        got = f(*inputs)
        assert len(got) == 1 + len(grads)
        assert isinstance(got[0], float) and close(got[0], value)
        for g, want in zip(got[1:], grads):
            assert close(g, want), name


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_the_module_against_the_compiled_callable(name):
    p = nnderive.Program(example(name))
    f, c = p.numpy_function(), nnderive.compile(p)
    for _ in range(3):
        inputs = CLOSED[name][0]()[0]
        columns = [a.reshape(-1, 1) if a.ndim == 1 else a for a in inputs]
        for args in (inputs, columns):
            got, want = f(*args), c(*inputs)
            assert close(got[0], want[0])
            for g, w in zip(got[1:], want[1:]):    # in wrt order, not the arguments'
                columns_in = args is columns and np.ndim(w) == 1
                assert np.shape(g) == ((np.size(w), 1) if columns_in else np.shape(w))
                assert close(np.ravel(g), np.ravel(w))


def test_shape_errors_name_the_dimension():
    f = nnderive.Program(example("autoencoder")).numpy_function()
    with pytest.raises(ValueError, match=r"^W has 4 columns, x has 5 entries: n differs$"):
        f(np.ones((3, 4)), np.ones(5))
    with pytest.raises(ValueError, match=r"^x must be a vector"):
        f(np.ones((3, 4)), np.ones((4, 2)))


def test_the_module_needs_only_numpy(tmp_path):
    """The module runs in a fresh interpreter without the package."""
    (tmp_path / "ae.py").write_text(nnderive.Program(example("autoencoder")).numpy(name="ae"))
    run = subprocess.run(["python3", "-c", "import numpy as np, ae; "
                          "print(ae.ae(np.eye(2, 3), np.arange(3.0))[0])"],
                         cwd=tmp_path, capture_output=True, text=True,
                         env={"PATH": "/usr/bin:/bin"})
    assert run.returncode == 0, run.stderr
    assert float(run.stdout) == 2.0


def test_refusals_raise():
    with pytest.raises(nnderive.Error, match="must not be a Python keyword"):
        nnderive.Program("x : vector(n)\nL = x'*x").numpy(name="lambda")

"""nnderive.Program on the examples: every output as the command prints it,
verify, check with its diagnosis, and errors with their positions."""

import pathlib
import subprocess
import sys
import threading
import warnings

import pytest

import nnderive
from conftest import BUILD, EXAMPLES, EXAMPLE_NAMES, ROOT, example


def command(*args):
    """What build/nnderive prints (and its status)."""
    run = subprocess.run([str(BUILD / "nnderive"), *args], capture_output=True, text=True,
                         cwd=ROOT)
    return run.stdout, run.returncode


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_example_outputs_match_the_command(name, tmp_path):
    path = "examples/%s.nd" % name
    p = nnderive.Program(ROOT / path, name=path)
    assert p.gradients() == (EXAMPLES / (name + ".expected")).read_text()
    assert p.latex() == (EXAMPLES / (name + ".tex")).read_text()
    for method, args in [(p.steps, ["--steps"]), (p.paths, ["--paths"]), (p.dot, ["--dot"]),
                         (p.explain, ["--explain"]), (p.c, ["--c"])]:
        assert method() == command(path, *args)[0], args
    assert p.steps(latex=True) == command(path, "--steps", "--latex")[0]
    assert p.dot(steps=True) == command(path, "--dot", "--steps")[0]
    assert p.latex(document=True) == command(path, "--latex-doc")[0]
    header = tmp_path / "net.h"
    c_text = command(path, "--c", "--name", "net", "--header", str(header))[0]
    assert p.c(prefix="net") == c_text
    assert p.c(prefix="net", header=True) == header.read_text()
    assert p.c(blas=True, colmajor=True, dims={"m": 512, "n": 1024} if "autoencoder" in name
               else None) == command(path, "--c", "--blas", "--colmajor", *(
                   ["--dims", "m=512,n=1024"] if "autoencoder" in name else []))[0]


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_example_verifies_and_its_textbook_answers_check(name):
    p = nnderive.Program(example(name))
    v = p.verify()
    assert v and v.ok and v.worst < 1e-20 and "verified" in v.report
    report = p.check_lines((EXAMPLES / (name + ".grad")).read_text())
    assert report and report.correct == report.total == len(p.wrt)
    assert all(line.equivalent for line in report)


def test_program_attributes():
    p = nnderive.Program(example("two_layer_swish"))
    assert p.objective == "L"
    assert p.wrt == ["W1", "b1", "W2", "b2"]
    assert [v.name for v in p.variables.values()] == ["W1", "b1", "W2", "b2", "x", "y"]
    assert p.variables["W1"].shape == ("H", "D") and p.variables["y"].type == "onehot"
    assert p.name.endswith("two_layer_swish.nd")
    q = nnderive.Program("L = x'*A*y")
    assert q.name == "<expr>" and q.variables["A"].inferred
    assert q.variables["A"].shape == ("x_rows", "A_cols")
    assert nnderive.Program("L = x'*A*y", wrt="A,y").wrt == ["A", "y"]
    assert nnderive.Program("z = sum(x); L = z^2", of="z").objective == "z"
    s = nnderive.Program("S : symmetric(n); L = x'*S*x")
    assert s.variables["S"].shape == ("n", "n")


def test_check_gives_the_diagnosis():
    p = nnderive.Program(example("autoencoder"), name="examples/autoencoder.nd")
    good = p.check("W*(r*x' + x*r')")
    assert good and good.equivalent and good.kind is None and str(good) == "equivalent"
    one_path = p.check("W*(W'*W*x - x)*x'")
    assert not one_path and one_path.verdict == "not equivalent"
    assert one_path.kind == "missing-use"
    assert "missing the contribution through `W'` at 5:5" in one_path.reason
    assert one_path.positions == [nnderive.Place("examples/autoencoder.nd", 5, 5, "W")]
    assert str(one_path) == command("examples/autoencoder.nd", "--check",
                                    "W*(W'*W*x - x)*x'")[0].rstrip("\n")
    twice = p.check("2*W*(r*x' + x*r')")
    assert twice.kind == "factor" and twice.fix
    assert p.check(twice.fix)           # the fix the reason claims is right


def test_check_picks_a_variable():
    p = nnderive.Program(example("two_layer_swish"))
    assert p.check("softmax(z2) - y", wrt="b2")
    shape = p.check("(softmax(z2) - y)*h1", wrt="W2")
    assert not shape and shape.kind == "shape"
    assert shape.positions[0].file == "<check>" and shape.positions[0].line == 1
    with pytest.raises(nnderive.Error, match="one variable; the program has 4"):
        p.check("softmax(z2) - y")
    with pytest.raises(nnderive.Error) as e:
        p.check("softmax(z2) - y", wrt="nope")
    assert "nope" in str(e.value)


def test_check_lines_carries_errors_forward():
    p = nnderive.Program(example("two_layer_swish"))
    r = p.check_lines((EXAMPLES / "homework" / "two_layer_steps.txt").read_text())
    assert (r.correct, r.total, r.carried_forward, r.first_wrong) == (3, 7, 3, "dL/dh1")
    wrong = r.lines[3]
    assert wrong.name == "dL/dh1" and wrong.line == 6 and wrong.kind == "shape"
    assert "did you mean `W2'` in place of `W2` at 6:10?" in wrong.reason
    assert [line.verdict for line in r.lines[4:]] == ["right given earlier lines"] * 3
    assert not r and len(r) == 7


def test_a_bad_program_raises_with_its_position():
    with pytest.raises(nnderive.Error) as e:
        nnderive.Program("W : matrix(m, n)\nx : vector(m)\nL = sum(W*x)")
    err = e.value
    assert (err.file, err.line, err.column) == ("<expr>", 3, 10)
    assert err.message.startswith("shape mismatch in '*': W is m x n, x is m x 1")
    assert str(err).splitlines()[1:3] == ["    L = sum(W*x)", "             ^"]
    with pytest.raises(nnderive.Error) as e:
        nnderive.Program("L = foo(x)", name="net.nd")
    assert (e.value.file, e.value.line, e.value.column) == ("net.nd", 1, 5)
    assert "unknown function 'foo'" in e.value.message
    with pytest.raises(nnderive.Error) as e:
        nnderive.Program("L = (x'*x", name="net.nd")
    assert e.value.line == 1 and "net.nd:1:" in str(e.value) and "^" in str(e.value)


def test_the_messages_are_the_commands():
    program = "W : matrix(m, n)\nx : vector(m)\nL = sum(W*x)"
    run = subprocess.run([str(BUILD / "nnderive"), "-e", program], capture_output=True,
                         text=True)
    with pytest.raises(nnderive.Error) as e:
        nnderive.Program(program)
    assert run.returncode == 2 and str(e.value) == run.stderr.rstrip("\n")


def test_errors_after_opening_and_the_session_recovers():
    p = nnderive.Program("x : vector(n); f = x")
    with pytest.raises(nnderive.Error) as e:
        p.gradients()
    assert "not a scalar" in e.value.message and e.value.line == 1
    q = nnderive.Program(example("autoencoder"))
    with pytest.raises(nnderive.Error) as e:
        q.c(prefix="not an identifier")
    assert "the prefix must be a C identifier" in str(e.value) and e.value.line == 0
    assert q.gradients().endswith("dL/dW = W*(r*x' + x*r')\n")     # still usable
    with pytest.raises(nnderive.Error) as e:
        q.check("W*(r*x' + x*r'")
    assert (e.value.file, e.value.line) == ("<check>", 1)
    assert "unexpected end of input" in e.value.message
    assert q.check("W*(r*x' + x*r')")
    with pytest.raises(nnderive.Error, match="unknown variable|not a variable|'y'"):
        nnderive.Program(example("autoencoder"), wrt="y")


def test_warnings_and_latex_display():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        p = nnderive.Program("L = norm2(x)^2")
    assert [w.category for w in caught] == [nnderive.NnderiveWarning]
    assert "norm(" in str(caught[0].message) and "warning" in p.diagnostics
    q = nnderive.Program(example("autoencoder"))
    shown = q._repr_latex_()
    assert shown.startswith("$$\\begin{aligned}") and shown.endswith("\\end{aligned}$$")
    assert "\\frac{\\partial L}{\\partial W}" in shown
    assert nnderive.Program("x : vector(n); f = x")._repr_latex_() is None
    assert "L w.r.t. W" in repr(q)


def test_sources_as_text_bytes_and_paths(tmp_path):
    f = tmp_path / "ae.nd"
    f.write_text(example("autoencoder").read_text())
    by_path = nnderive.Program(f)
    assert by_path.name == str(f)
    assert by_path.c().startswith("/* Generated by nnderive")
    assert "double nd_ae(" in by_path.c()                # the file's stem names it
    assert nnderive.Program(f.read_bytes()).gradients() == by_path.gradients()
    with pytest.raises(TypeError):
        nnderive.Program(42)
    with pytest.raises(FileNotFoundError):
        nnderive.Program(tmp_path / "missing.nd")


def test_one_program_from_several_threads():
    p = nnderive.Program(example("two_layer_swish"))
    expected = p.gradients()
    results, errors = [], []

    def work():
        try:
            for _ in range(5):
                results.append(p.gradients() == expected and bool(p.check(
                    "softmax(z2) - y", wrt="b2")))
        except Exception as e:      # pragma: no cover - reported below
            errors.append(e)
    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(results) == 20 and all(results)


def test_version():
    assert nnderive.version() == nnderive.__version__
    assert 'version = "%s"' % nnderive.__version__ in (ROOT / "python" / "pyproject.toml").read_text()
    assert pathlib.Path(nnderive.library).exists()


@pytest.mark.parametrize("readme,count", [("python/README.md", 27), ("README.md", 8)])
def test_the_readme_examples_run(readme, count, monkeypatch):
    """The >>> examples of python/README.md and of the README's "From
    Python", as doctests, from the top of the tree."""
    import doctest
    monkeypatch.chdir(ROOT)
    result = doctest.testfile(str(ROOT / readme), module_relative=False,
                              optionflags=doctest.ELLIPSIS)
    assert result.attempted >= count and result.failed == 0


def test_program_needs_no_numpy():
    """import nnderive and Program work without NumPy; compile says it needs it."""
    code = ("import sys; sys.modules['numpy'] = None\n"
            "import nnderive\n"
            "print(nnderive.Program('L = x\\'*x').gradients().strip())\n"
            "try:\n"
            "    nnderive.compile('L = x\\'*x')\n"
            "except ImportError as e:\n"
            "    print(e)\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    lines = run.stdout.splitlines()
    assert lines[0] == "dL/dx = 2*x" and lines[1].startswith("nnderive.compile needs NumPy")

"""`nnderive --numpy --hessian` and `--jacobian`: the module of the plan's
blocks, run on random inputs, against the closed forms of issue 12's
examples (examples/hessian/), written here with NumPy."""

import subprocess

import numpy as np
import pytest

from conftest import BUILD, EXAMPLES

rng = np.random.default_rng(12)


def module(name, *options):
    text = subprocess.run([str(BUILD / "nnderive"), str(EXAMPLES / "hessian" / (name + ".nd")),
                           "--numpy", "--name", "f", *options],
                          check=True, capture_output=True, text=True).stdout
    namespace = {}
    exec(compile(text, name, "exec"), namespace)
    return namespace["f"], text


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def logreg(m=7, n=4):
    A, x, y = rng.standard_normal((m, n)), rng.standard_normal(n), rng.random(m)
    lam = 0.3
    s = sigmoid(A @ x)
    return [A, x, y, lam], A.T @ np.diag(s * (1 - s)) @ A + lam * np.eye(n)


def quadratic(n=5):
    A, x = rng.standard_normal((n, n)), rng.standard_normal(n)
    return [A, x], A + A.T


def sum_exp(m=6, n=3):
    A, x = rng.standard_normal((m, n)), rng.standard_normal(n)
    return [A, x], A.T @ np.diag(np.exp(A @ x)) @ A


def softmax(n=5):
    z = rng.standard_normal(n)
    s = np.exp(z - z.max())
    s /= s.sum()
    return [z], np.diag(s) - np.outer(s, s)


def affine_exp(m=4, n=3):
    A, x = rng.standard_normal((m, n)), rng.standard_normal(n)
    return [A, x], A @ np.diag(np.exp(x))


def tanh_layer(m=4, n=3):
    W, x, b = rng.standard_normal((m, n)), rng.standard_normal(n), rng.standard_normal(m)
    h = np.tanh(W @ x + b)
    return [W, x, b], np.diag(1 - h ** 2) @ W


CASES = [("logreg", "--hessian", logreg), ("quadratic", "--hessian", quadratic),
         ("sum_exp", "--hessian", sum_exp), ("softmax", "--jacobian", softmax),
         ("affine_exp", "--jacobian", affine_exp), ("tanh_layer", "--jacobian", tanh_layer)]


@pytest.mark.parametrize("name,option,closed", CASES)
def test_blocks_agree_with_the_closed_forms(name, option, closed):
    f, _ = module(name, option)
    for _ in range(3):
        inputs, want = closed()
        got = f(*inputs)
        assert len(got) == 2
        assert np.shape(got[1]) == np.shape(want)
        assert np.allclose(got[1], want, rtol=1e-12, atol=1e-12), (name, got[1], want)


def test_the_hessian_is_one_syrk_product_not_a_diagonal_matrix():
    _, text = module("logreg", "--hessian")
    assert "np.diagflat" not in text and "A.T @ (" in text
    assert "Returns (L, d2L/dx2)" in text


def test_a_vector_objective_returns_zero_first():
    f, text = module("softmax", "--jacobian")
    assert "0: the objective is a vector" in text
    assert f(rng.standard_normal(4))[0] == 0.0


def test_blocks_of_two_variables(tmp_path):
    """A vector and a scalar: the blocks on and above the diagonal, each named
    by its pair (hess_x, hess_x_a, hess_a) and each against its closed form."""
    program = tmp_path / "two.nd"
    program.write_text("A : matrix(m, n)\nx : vector(n)\na : scalar\n"
                       "L = a*sum(exp(A*x)) + a^2*x'*x\nwrt x, a\n")
    text = subprocess.run([str(BUILD / "nnderive"), str(program), "--numpy", "--hessian",
                           "--name", "f"], check=True, capture_output=True, text=True).stdout
    assert "hess_x_a" in text and "Returns (L, d2L/dx2, d2L/dx da, d2L/da2)" in text
    namespace = {}
    exec(compile(text, "two", "exec"), namespace)
    A, x, a = rng.standard_normal((5, 3)), rng.standard_normal(3), 0.7
    e = np.exp(A @ x)
    L, hxx, hxa, haa = namespace["f"](A, x, a)
    assert np.isclose(L, a * e.sum() + a * a * x @ x, rtol=1e-12)
    assert np.allclose(hxx, a * A.T @ np.diag(e) @ A + 2 * a * a * np.eye(3), rtol=1e-12)
    assert np.allclose(np.ravel(hxa), A.T @ e + 4 * a * x, rtol=1e-12)
    assert np.isclose(haa, 2 * x @ x, rtol=1e-12)


def kron_module(name, option):
    text = subprocess.run([str(BUILD / "nnderive"), str(EXAMPLES / "kron" / (name + ".nd")),
                           option, "--numpy", "--name", "f"],
                          check=True, capture_output=True, text=True).stdout
    namespace = {}
    exec(compile(text, name, "exec"), namespace)
    return namespace["f"]


def vec(M):
    return M.reshape(-1, order="F")


KRON_CASES = [
    ("trace_quadratic", "--hessian", lambda: [rng.standard_normal((3, 2)),
                                             rng.standard_normal((3, 3))],
     lambda X, A: np.kron(np.eye(2), A + A.T)),
    ("matrix_lsq", "--hessian", lambda: [rng.standard_normal((3, 2)), rng.standard_normal((4, 3)),
                                        rng.standard_normal((4, 2))],
     lambda X, A, B: np.kron(np.eye(2), A.T @ A)),
    ("sandwich", "--jacobian", lambda: [rng.standard_normal((3, 2)), rng.standard_normal((4, 3)),
                                       rng.standard_normal((2, 5))],
     lambda X, A, B: np.kron(B.T, A)),
]


@pytest.mark.parametrize("name,option,inputs,closed", KRON_CASES)
def test_matrix_blocks_through_vec(name, option, inputs, closed):
    """Matrix variables (examples/kron/): the blocks are d vec(F)/d vec(X),
    vec in column-major order, against kron closed forms and against
    central differences of vec(F)."""
    f = kron_module(name, option)
    args = inputs()
    got = f(*args)[1]
    assert np.allclose(got, closed(*args), rtol=1e-12, atol=1e-12)
    if option == "--jacobian":
        X, A, B = args
        h, J = 1e-6, np.zeros_like(got)
        for k in range(X.size):
            E = np.zeros(X.size)
            E[k] = h
            D = E.reshape(X.shape, order="F")
            J[:, k] = (vec(A @ (X + D) @ B) - vec(A @ (X - D) @ B)) / (2 * h)
        assert np.allclose(got, J, rtol=1e-6, atol=1e-6)

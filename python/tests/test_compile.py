"""nnderive.compile: the callable against NumPy closed forms (each checked
equivalent to the derived gradient by the library's MPFR checker) and
against float64 central differences; calls, shapes, layouts, the cache,
threads."""

import os
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

import nnderive
from nnderive import compiled
from conftest import EXAMPLE_NAMES, ROOT, example

rng = np.random.default_rng(20261201)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def softmax(z):
    e = np.exp(z - z.max(axis=0))
    return e / e.sum(axis=0)


def onehot(c, n=None):
    if n is None:
        return np.eye(c)[rng.integers(c)]
    return np.eye(c)[:, rng.integers(c, size=n)].copy()


# Each example: random inputs for its sizes, and its objective and gradients
# in NumPy with the same answer in nnderive's language (checked by
# Program.check, in MPFR, so that the closed form is the derived gradient).

def autoencoder(m=5, n=7):
    W, x = rng.standard_normal((m, n)), rng.standard_normal(n)
    r = W.T @ W @ x - x
    return [W, x], 0.5 * r @ r, [W @ (np.outer(r, x) + np.outer(x, r))]


def autoencoder_tanh(m=5, n=7):
    W, x = rng.standard_normal((m, n)) / 2, rng.standard_normal(n)
    h = np.tanh(W @ x)
    xhat = np.tanh(W.T @ h)
    e = (1 - xhat ** 2) * (xhat - x)
    return [W, x], 0.5 * np.sum((xhat - x) ** 2), [np.outer(h, e) + np.outer((1 - h ** 2) *
                                                                           (W @ e), x)]


def two_layer_swish(H=6, D=5, C=4):
    W1, b1 = rng.standard_normal((H, D)), rng.standard_normal(H)
    W2, b2 = rng.standard_normal((C, H)), rng.standard_normal(C)
    x, y = rng.standard_normal(D), onehot(C)
    z1 = W1 @ x + b1
    h1 = z1 * sigmoid(z1)
    z2 = W2 @ h1 + b2
    L = -np.sum(y * (z2 - z2.max() - np.log(np.sum(np.exp(z2 - z2.max())))))
    d2 = softmax(z2) - y
    s = sigmoid(z1)
    d1 = (W2.T @ d2) * (s + z1 * s * (1 - s))
    return [W1, b1, W2, b2, x, y], L, [np.outer(d1, x), d1, np.outer(d2, h1), d2]


def two_layer_swish_batch(H=6, D=5, C=4, N=3):
    W1, b1 = rng.standard_normal((H, D)), rng.standard_normal(H)
    W2, b2 = rng.standard_normal((C, H)), rng.standard_normal(C)
    X, Y = rng.standard_normal((D, N)), onehot(C, N)
    Z1 = W1 @ X + b1[:, None]
    H1 = Z1 * sigmoid(Z1)
    Z2 = W2 @ H1 + b2[:, None]
    shift = Z2 - Z2.max(axis=0)
    L = -np.sum(Y * (shift - np.log(np.exp(shift).sum(axis=0)))) / N
    G2 = (softmax(Z2) - Y) / N
    S = sigmoid(Z1)
    G1 = (W2.T @ G2) * (S + Z1 * S * (1 - S))
    return [W1, b1, W2, b2, X, Y], L, [G1 @ X.T, G1.sum(axis=1), G2 @ H1.T, G2.sum(axis=1)]


def augmented_lsq(N=6, *_):
    X, w, y = rng.standard_normal((N, 3)), rng.standard_normal(4), rng.standard_normal(N)
    A = np.hstack([X, np.ones((N, 1))])
    r = A @ w - y
    return [X, w, y], 0.5 * r @ r, [A.T @ r, np.outer(r, w[:3])]


def pick_column(m=5, *_):
    X, v = rng.standard_normal((m, 4)), rng.standard_normal(m)
    gX = np.zeros((m, 4))
    gX[:, 1] = v * np.exp(X[:, 1])
    gX[:, 3] = 2 * X[:, 3]
    return [X, v], v @ np.exp(X[:, 1]) + np.sum(X[:, 3] ** 2), [gX, np.exp(X[:, 1])]


def differences(*_):
    x = rng.standard_normal(6)
    d = x[1:] - x[:-1]
    g = np.concatenate([[0], d]) - np.concatenate([d, [0]])
    g[-1] += 1
    return [x], 0.5 * d @ d + x[-1], [g]


def lstm_step(*_):
    h, c, x = rng.standard_normal(3), rng.standard_normal(3), rng.standard_normal(2)
    W, b, y = rng.standard_normal((12, 5)) / 2, rng.standard_normal(12), rng.standard_normal(3)
    hx = np.concatenate([h, x])
    z = W @ hx + b
    i, f, o, g = sigmoid(z[0:3]), sigmoid(z[3:6]), sigmoid(z[6:9]), np.tanh(z[9:12])
    c2 = f * c + i * g
    t = np.tanh(c2)
    h2 = o * t
    dc = (h2 - y) * o * (1 - t ** 2)
    dz = np.concatenate([dc * g * i * (1 - i), dc * c * f * (1 - f),
                         (h2 - y) * t * o * (1 - o), dc * i * (1 - g ** 2)])
    return [h, c, x, W, b, y], 0.5 * np.sum((h2 - y) ** 2), [
        np.outer(dz, hx), dz, W[:, :3].T @ dz, dc * f, W[:, 3:].T @ dz]


LSTM_DC = "(h2 - y).*o.*(1 - tanh(c2).^2)"
LSTM_DZ = (f"[{LSTM_DC}.*g.*i.*(1 - i); {LSTM_DC}.*c.*f.*(1 - f); "
           f"(h2 - y).*tanh(c2).*o.*(1 - o); {LSTM_DC}.*i.*(1 - g.^2)]")
def rnn3(n=5, m=4, _unused=None):
    W, U = rng.standard_normal((n, n)) / 2, rng.standard_normal((n, m)) / 2
    b, x1, x2, x3 = (rng.standard_normal(k) for k in (n, m, m, m))
    h0, y = rng.standard_normal(n), rng.standard_normal(n)
    h1 = np.tanh(W @ h0 + U @ x1 + b)
    h2 = np.tanh(W @ h1 + U @ x2 + b)
    h3 = np.tanh(W @ h2 + U @ x3 + b)
    d3 = (h3 - y) * (1 - h3 ** 2)
    d2 = (W.T @ d3) * (1 - h2 ** 2)
    d1 = (W.T @ d2) * (1 - h1 ** 2)
    return ([W, U, b, x1, x2, x3, h0, y], 0.5 * np.sum((h3 - y) ** 2),
            [np.outer(d3, h2) + np.outer(d2, h1) + np.outer(d1, h0),
             np.outer(d3, x3) + np.outer(d2, x2) + np.outer(d1, x1), d1 + d2 + d3])


RNN_D3 = "((h3 - y).*(1 - h3.^2))"
RNN_D2 = "((W'*" + RNN_D3 + ").*(1 - h2.^2))"
RNN_D1 = "((W'*" + RNN_D2 + ").*(1 - h1.^2))"

CLOSED = {
    "augmented_lsq": (augmented_lsq, {"w": "[X, vector(1)]'*([X, vector(1)]*w - y)",
                                      "X": "([X, vector(1)]*w - y)*w(1:3)'"}),
    "pick_column": (pick_column, {"X": "[0*v, v.*exp(X(:, 2)), 0*v, 2*X(:, 4)]",
                                  "v": "exp(X(:, 2))"}),
    "differences": (differences, {
        "x": "[0; x(2:6) - x(1:5)] - [x(2:6) - x(1:5); 0] + [0; 0; 0; 0; 0; 1]"}),
    "lstm_step": (lstm_step, {"W": f"{LSTM_DZ}*[h; x]'", "b": LSTM_DZ,
                              "h": f"W(:, 1:3)'*{LSTM_DZ}", "c": f"{LSTM_DC}.*f",
                              "x": f"W(:, 4:5)'*{LSTM_DZ}"}),
    "autoencoder": (autoencoder, {"W": "W*(r*x' + x*r')"}),
    "autoencoder_tanh": (autoencoder_tanh, {"W": "h*e' + ((1 - h.^2).*(W*e))*x'"}),
    "two_layer_swish": (two_layer_swish, {
        "W1": "((W2'*(softmax(z2) - y)).*(sigmoid(z1) + z1.*sigmoid(z1).*(1 - sigmoid(z1))))*x'",
        "b1": "(W2'*(softmax(z2) - y)).*(sigmoid(z1) + z1.*sigmoid(z1).*(1 - sigmoid(z1)))",
        "W2": "(softmax(z2) - y)*h1'", "b2": "softmax(z2) - y"}),
    "two_layer_swish_batch": (two_layer_swish_batch, {
        "W1": "((W2'*(softmax(Z2) - Y)/N).*(sigmoid(Z1) + Z1.*sigmoid(Z1).*(1 - sigmoid(Z1))))*X'",
        "b1": "((W2'*(softmax(Z2) - Y)/N).*(sigmoid(Z1) + Z1.*sigmoid(Z1).*(1 - sigmoid(Z1))))"
              "*vector(1)",
        "W2": "(softmax(Z2) - Y)/N*H1'", "b2": "(softmax(Z2) - Y)/N*vector(1)"}),
    "rnn3": (rnn3, {
        "W": RNN_D3 + "*h2' + " + RNN_D2 + "*h1' + " + RNN_D1 + "*h0'",
        "U": RNN_D3 + "*x3' + " + RNN_D2 + "*x2' + " + RNN_D1 + "*x1'",
        "b": RNN_D3 + " + " + RNN_D2 + " + " + RNN_D1}),
}


def close(a, b, tol=1e-10):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and np.max(np.abs(a - b), initial=0) <= tol * max(
        1.0, np.max(np.abs(b), initial=0))


def test_every_example_has_a_closed_form():
    assert sorted(CLOSED) == EXAMPLE_NAMES


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_the_closed_forms_are_the_derived_gradients(name):
    """The MPFR side: the library's checker finds each closed form (written
    in the language, as the NumPy below computes it) equivalent."""
    p = nnderive.Program(example(name))
    answers = dict(CLOSED[name][1])
    if name == "autoencoder_tanh":
        answers = {"W": answers["W"].replace("e'", "((1 - xhat.^2).*(xhat - x))'")
                   .replace("W*e", "W*((1 - xhat.^2).*(xhat - x))")}
    assert list(answers) == p.wrt
    for var, answer in answers.items():
        assert p.check(answer, wrt=var), (var, answer)


@pytest.mark.parametrize("blas", ["auto", False])
@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_examples_against_the_closed_forms(name, blas):
    f = nnderive.compile(example(name), blas=blas)
    assert f.wrt == nnderive.Program(example(name)).wrt
    make = CLOSED[name][0]
    for sizes in [(), (1, 1) if name.startswith("autoencoder") else (1, 1, 1), (9, 13)
                  if name.startswith("autoencoder") else (17, 3, 10)]:
        inputs, value, grads = make(*sizes)
        got = f(*inputs)
        assert len(got) == 1 + len(grads)
        assert isinstance(got[0], float) and close(got[0], value)
        for g, want in zip(got[1:], grads):
            assert close(g, want), name


def central_differences(f, inputs, wrt_index, direction, h=1e-5):
    plus = [a.copy() for a in inputs]
    minus = [a.copy() for a in inputs]
    plus[wrt_index] += h * direction
    minus[wrt_index] -= h * direction
    return (f(*plus)[0] - f(*minus)[0]) / (2 * h)


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_examples_against_central_differences(name):
    f = nnderive.compile(example(name))
    inputs = CLOSED[name][0]()[0]
    got = f(*inputs)
    for k, var in enumerate(f.wrt):
        i = f.names.index(var)
        for _ in range(2):
            u = rng.standard_normal(inputs[i].shape)
            fd = central_differences(f, inputs, i, u)
            assert abs(np.sum(got[1 + k] * u) - fd) <= 1e-6 * max(1, abs(fd)), var


PROGRAMS = [
    # (program, wrt, inputs, value, gradients), closed forms in NumPy
    ("a : scalar; S : symmetric(n); A : matrix(2, n); x : vector(n)\n"
     "L = a*x'*S*x + sum(A*x)", None,
     lambda: (lambda a, S, A, x: ([a, S, A, x], a * x @ S @ x + np.sum(A @ x),
                                  [x @ S @ x, a * np.outer(x, x), np.outer(np.ones(2), x),
                                   2 * a * S @ x + A.sum(axis=0)]))(
         1.5, (lambda B: B + B.T)(rng.standard_normal((4, 4))), rng.standard_normal((2, 4)),
         rng.standard_normal(4))),
    ("X : matrix(m, n); y : vector(m); w : vector(n); lam : scalar\n"
     "L = sum(softplus(X*w)) - y'*X*w + lam*norm2(w)", "w",
     lambda: (lambda X, y, w, lam: ([X, y, w, lam],
                                    np.sum(np.log1p(np.exp(X @ w))) - y @ X @ w + lam * w @ w,
                                    [X.T @ (sigmoid(X @ w) - y) + 2 * lam * w]))(
         rng.standard_normal((6, 3)), rng.integers(0, 2, 6).astype(float),
         rng.standard_normal(3), 0.25)),
]


@pytest.mark.parametrize("case", range(len(PROGRAMS)))
def test_programs_with_scalars_symmetric_and_fixed_sizes(case):
    source, wrt, make = PROGRAMS[case]
    f = nnderive.compile(source, wrt=wrt)
    inputs, value, grads = make()
    got = f(*inputs)
    assert close(got[0], value)
    for g, want in zip(got[1:], grads):
        assert close(g, want)
    assert close(f.generic(*inputs)[0], value)


def test_positional_and_keyword_calls():
    f = nnderive.compile(example("two_layer_swish"))
    inputs, value, _ = two_layer_swish()
    by_name = dict(zip(f.names, inputs))
    assert f.names == ["W1", "b1", "W2", "b2", "x", "y"]
    assert f(*inputs)[0] == f(**by_name)[0] == f(*inputs[:3], **dict(list(by_name.items())[3:]))[0]
    import inspect
    assert list(inspect.signature(f).parameters) == f.names
    with pytest.raises(TypeError, match="missing"):
        f(*inputs[:5])
    with pytest.raises(TypeError):
        f(*inputs, inputs[0])
    with pytest.raises(TypeError, match="unexpected keyword argument 'z'"):
        f(*inputs[:5], z=inputs[5])
    with pytest.raises(TypeError, match="multiple values"):
        f(*inputs, W1=inputs[0])
    with pytest.raises(TypeError, match="unexpected keyword argument 'q'"):
        f.generic(*inputs, q=1)


def test_shape_errors_name_the_dimension():
    f = nnderive.compile(example("autoencoder"))
    W, x = rng.standard_normal((3, 4)), rng.standard_normal(4)
    cases = [
        ((W, rng.standard_normal(5)), "W has 4 columns, x has 5 entries: n differs"),
        ((W, rng.standard_normal((4, 2))), r"x is a vector: pass a 1-D array or a column"),
        ((x, x), r"W is a matrix: pass a 2-D array, got shape \(4,\)"),
        ((np.zeros((0, 4)), x), "W has 0 rows: the dimension m must be at least 1"),
        ((W, rng.standard_normal((1, 4))), r"x is a vector: .*got shape \(1, 4\)"),
        ((W[:, :1], x[:2]), "W has 1 column, x has 2 entries: n differs"),
        ((W, x[:1]), "W has 4 columns, x has 1 entry: n differs"),
    ]
    for args, message in cases:
        with pytest.raises(nnderive.ShapeError, match=message):
            f(*args)
    g = nnderive.compile(example("two_layer_swish"))
    inputs = two_layer_swish(H=6, D=5, C=4)[0]
    inputs[2] = rng.standard_normal((4, 7))
    with pytest.raises(ValueError, match="W1 has 6 rows, W2 has 7 columns: H differs"):
        g(*inputs)
    h = nnderive.compile(PROGRAMS[0][0])
    a, S, A, x = PROGRAMS[0][2]()[0]
    with pytest.raises(nnderive.ShapeError, match="A has 3 rows: it is declared with 2"):
        h(a, S, rng.standard_normal((3, 4)), x)
    with pytest.raises(nnderive.ShapeError, match="S has 4 rows, S has 3 columns: n differs"):
        h(a, S[:, :3], A, x)
    with pytest.raises(nnderive.ShapeError, match="a is a scalar"):
        h(np.ones(2), S, A, x)
    with pytest.raises(TypeError, match="x: cannot be converted to a float64 array"):
        h(a, S, A, "abc")


def test_layouts_and_conversions():
    f = nnderive.compile(example("autoencoder"))
    inputs, value, [dW] = autoencoder(4, 6)
    W, x = inputs
    for args in [(W.tolist(), list(x)), (np.asfortranarray(W), x), (W, x[:, None]),
                 (W, tuple(x))]:
        got = f(*args)
        assert close(got[0], value)
    L, dWc = f(W, x[:, None])
    assert dWc.shape == W.shape
    wide = np.zeros((4, 12))
    wide[:, ::2] = W
    assert close(f(wide[:, ::2], x)[1], dW)        # a strided view: copied once
    frozen = W.copy()
    frozen.flags.writeable = False                 # read-only: used as it is
    assert close(f(frozen, x)[1], dW)
    raw = bytearray(W.nbytes + 1)
    unaligned = np.frombuffer(raw, dtype=np.float64, count=W.size, offset=1).reshape(W.shape)
    unaligned[...] = W
    assert not unaligned.flags.aligned and close(f(unaligned, x)[1], dW)   # copied aligned
    xi = (x * 4).round().astype(int)
    assert close(f(W, xi)[0], f(W, xi.astype(float))[0])
    g = nnderive.compile(example("autoencoder"), order="F")
    Wf = np.asfortranarray(W)
    L, dWf = g(Wf, x)
    assert close(L, value) and close(dWf, dW) and dWf.flags.f_contiguous
    assert close(g(W, x)[1], dW)                   # a C-ordered one is copied
    assert g.order == "F" and f.order == "C"
    with pytest.raises(ValueError, match="order"):
        nnderive.compile(example("autoencoder"), order="K")


def test_vector_gradients_take_the_arguments_shape():
    f = nnderive.compile("L = x'*A*y", wrt="x,y")
    A, x, y = rng.standard_normal((3, 4)), rng.standard_normal(3), rng.standard_normal(4)
    assert f.names == ["x", "A", "y"]
    value, dx, dy = f(x, A, y)
    assert close(value, x @ A @ y) and close(dx, A @ y) and close(dy, A.T @ x)
    value, dx, dy = f(x[:, None], A, y)
    assert dx.shape == (3, 1) and dy.shape == (4,) and close(dx[:, 0], A @ y)


def test_a_workspace_too_large_is_a_memory_error():
    if open("/proc/sys/vm/overcommit_memory").read().strip() == "1":
        pytest.skip("the kernel overcommits memory: malloc would not fail")
    f = nnderive.compile("x : vector(n); L = sum(exp(x*x'))")
    x = np.zeros(200000)     # the workspace holds x*x': 3.2e11 bytes
    with pytest.raises(MemoryError, match="workspace"):
        f(x)
    with pytest.raises(MemoryError, match="workspace"):
        f.generic(x)
    assert close(f(np.zeros(3))[0], 9.0)


def test_the_cache_does_not_compile_twice(fresh_cache):
    source = "W : matrix(m, n); x : vector(n)\nL = 0.5*norm2(tanh(W*x))"
    before = compiled.stats["compiles"]
    f = nnderive.compile(source)
    assert compiled.stats["compiles"] == before + 1
    assert os.path.dirname(f.library) == str(fresh_cache)
    assert sorted(os.listdir(fresh_cache)) == sorted([os.path.basename(f.library),
                                                      os.path.basename(f.library)[:-3] + ".c"])
    mtime = os.stat(f.library).st_mtime_ns
    assert nnderive.compile(source) is f                   # this process: memoized
    compiled._memo.clear()
    g = nnderive.compile(source)                           # from the disk
    assert compiled.stats["compiles"] == before + 1 and g.library == f.library
    assert os.stat(f.library).st_mtime_ns == mtime
    # another process finds it too
    code = ("import nnderive; from nnderive import compiled; f = nnderive.compile(%r); "
            "print(compiled.stats['compiles'], compiled.stats['disk_hits'], f.library)" % source)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["0", "1", f.library]
    # other options, another object
    h = nnderive.compile(source, native=not compiled._native_flags("auto",
                                                                   compiled._compiler(None)))
    assert h.library != f.library and compiled.stats["compiles"] == before + 2
    assert nnderive.compile(source, wrt="W").library != f.library


def test_a_rebuilt_library_does_not_reuse_old_objects(fresh_cache, monkeypatch):
    """The key holds the library file's identity: a development build whose
    version string is unchanged but whose generator changed compiles anew."""
    from nnderive import _lib
    source = "x : vector(n)\nL = sum(exp(x))"
    f = nnderive.compile(source)
    compiled._memo.clear()
    assert nnderive.compile(source).library == f.library
    compiled._memo.clear()
    monkeypatch.setattr(_lib, "_identity", ["another build"])
    assert nnderive.compile(source).library != f.library


def test_blas_auto_is_openblas_where_it_links(fresh_cache, monkeypatch, tmp_path):
    """blas="auto", the default: CBLAS calls where a CBLAS call compiles and
    links against -lopenblas, the generated loops otherwise; blas=False
    keeps the loops, blas=True asks for BLAS."""
    cc = compiled._compiler(None)
    probe = tmp_path / "probe.c"
    probe.write_text("#include <cblas.h>\nint main(void)\n{\n    double x = 2.0;\n"
                     "    return cblas_ddot(1, &x, 1, &x, 1) == 4.0 ? 0 : 1;\n}\n")
    links = subprocess.run(cc + [str(probe), "-o", str(tmp_path / "probe"), "-lopenblas"],
                           capture_output=True).returncode == 0
    assert compiled._have_openblas(cc) == links
    assert compiled._resolve_blas("auto", cc) == links
    assert compiled._resolve_blas(False, cc) is False and compiled._resolve_blas(True, cc)

    def c_text(f):
        with open(f.library[:-3] + ".c") as c:
            return c.read()
    net = example("two_layer_swish_batch")
    default, loops = nnderive.compile(net), nnderive.compile(net, blas=False)
    assert ("cblas_dgemm(" in c_text(default)) == links
    assert "cblas_" not in c_text(loops)
    if links:
        assert nnderive.compile(net, blas=True) is default     # the same object
    inputs, value, grads = two_layer_swish_batch(7, 9, 3, 5)
    for f in (default, loops):
        got = f(*inputs)
        assert close(got[0], value) and all(close(g, w) for g, w in zip(got[1:], grads))
    # where the probe fails (no libopenblas-dev, another compiler): the loops
    monkeypatch.setitem(compiled._blas_found, tuple(cc), False)
    compiled._memo.clear()
    assert nnderive.compile(net).library == loops.library
    if links:
        monkeypatch.setitem(compiled._blas_found, tuple(cc), True)
        compiled._memo.clear()
        assert nnderive.compile(net).library == default.library


def test_native_auto_is_march_native_where_the_compiler_takes_it(fresh_cache, monkeypatch):
    """native="auto", the default: -march=native (and 256-bit vectors where
    the compiler takes the flag) where the compiler takes it, as the object
    is built for this machine; else portable code."""
    cc = compiled._compiler(None)

    def takes(flags):
        return subprocess.run(cc + flags + ["-x", "c", "-c", "-o", os.devnull, "-"],
                              input=b"int main(void) { return 0; }\n",
                              capture_output=True).returncode == 0
    want = next((f for f in compiled._NATIVE if takes(f)), [])
    assert compiled._probe_native(cc) == want
    assert compiled._native_flags("auto", cc) == want
    assert compiled._native_flags(True, cc) == (want or ["-march=native"])
    assert compiled._native_flags(False, cc) == []
    flags = compiled._flags(compiled._native_flags("auto", cc), False, ["-O1"])[0]
    assert flags[:3] == ["-O3", "-shared", "-fPIC"] and flags[-1] == "-O1"    # cflags win
    source = "x : vector(n)\nL = sum(swish(x))"
    f = nnderive.compile(source)
    assert f.library == nnderive.compile(source, native=bool(want)).library
    x = np.linspace(-800, 800, 33)
    L, g = f(x)
    e = np.exp(-np.abs(x))
    s = np.where(x >= 0, 1 / (1 + e), e / (1 + e))
    assert close(L, float(np.sum(x * s))) and close(g, s + x * s * (1 - s))
    monkeypatch.setitem(compiled._native_ok, tuple(cc), [])
    compiled._memo.clear()
    assert nnderive.compile(source).library == nnderive.compile(source, native=False).library


def test_cache_directory_default(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert nnderive.cache_dir() == str(tmp_path / "nnderive")
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert nnderive.cache_dir() == str(tmp_path / "home" / ".cache" / "nnderive")
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/dir")   # ignored, as XDG says
    assert nnderive.cache_dir() == str(tmp_path / "home" / ".cache" / "nnderive")


def test_concurrent_compiles_of_one_program(fresh_cache):
    """Four processes compile the same program at once: each gets a whole
    object (written aside, then renamed) and the directory ends clean."""
    code = ("import nnderive, numpy as np; f = nnderive.compile('L = sum(exp(A*x))', "
            "wrt='A'); print(f(np.ones((2, 3)), np.ones(3))[0])")
    env = dict(os.environ, XDG_CACHE_HOME=str(fresh_cache.parent))
    procs = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, env=env,
                              text=True) for _ in range(4)]
    outs = [p.communicate()[0].strip() for p in procs]
    assert all(p.returncode == 0 for p in procs)
    assert len(set(outs)) == 1 and abs(float(outs[0]) - 2 * np.exp(3)) < 1e-9
    assert len([n for n in os.listdir(fresh_cache) if n.endswith(".so")]) == 1
    assert all(n.endswith((".so", ".c")) and n.count(".") == 1 for n in os.listdir(fresh_cache))


def test_the_cached_c_compiles_without_a_warning(tmp_path):
    """The generated C and the package's wrapper, under -pedantic."""
    f = nnderive.compile(example("two_layer_swish"))
    c = f.library[:-3] + ".c"
    subprocess.run(["cc", "-std=c99", "-Wall", "-Wextra", "-pedantic", "-Werror", "-O2",
                    "-shared", "-fPIC", "-o", str(tmp_path / "x.so"), c, "-lm"], check=True)


def test_compile_errors(fresh_cache):
    with pytest.raises(nnderive.Error) as e:
        nnderive.compile("W : matrix(m, n)\nx : vector(m)\nL = sum(W*x)")
    assert (e.value.line, e.value.column) == (3, 10)
    with pytest.raises(nnderive.CompileError, match="cannot run the C compiler"):
        nnderive.compile("L = x'*x", cc="/nonexistent/cc")
    with pytest.raises(nnderive.CompileError, match="the C compiler failed") as e:
        nnderive.compile("L = x'*x", cflags=["-Wl,--no-such-option"])
    assert "no-such-option" in e.value.output
    assert not [n for n in os.listdir(fresh_cache) if not n.endswith((".so", ".c"))]


def test_threads_share_a_callable():
    f = nnderive.compile(example("two_layer_swish_batch"))
    cases = [two_layer_swish_batch(6, 5, 4, 3 + k) for k in range(8)]
    failures = []

    def work(k):
        inputs, value, grads = cases[k]
        for _ in range(200):
            got = f(*inputs)
            if not (close(got[0], value) and all(close(g, w) for g, w in zip(got[1:], grads))):
                failures.append(k)
                return
    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures


def test_the_gil_is_released_during_the_call():
    """While one thread is inside a long call (a matrix chain, about 0.1 s),
    another wakes up every millisecond: with the GIL held for the call, it
    could not run between the call's start and its end."""
    f = nnderive.compile("X : matrix(n, n); L = sum(exp(X*X'*X))")
    X = rng.random((450, 450)) / 450
    span = {}

    def call():
        span["start"] = time.perf_counter()
        f(X)
        span["end"] = time.perf_counter()
    worker = threading.Thread(target=call)
    wakes = []
    worker.start()
    while worker.is_alive():
        time.sleep(0.001)
        wakes.append(time.perf_counter())
    worker.join()
    margin = 0.003
    inside = [t for t in wakes if span["start"] + margin < t < span["end"] - margin]
    assert span["end"] - span["start"] > 0.02         # long enough to tell
    assert len(inside) >= 5, (len(inside), span["end"] - span["start"])


def test_variables_named_like_python_keywords_and_builtins():
    """`id` and `len` become parameters of the fast path (its own names are
    all prefixed); `lambda` cannot, so that program takes the generic path,
    keywords included."""
    import inspect
    a = [np.arange(3.0) + i for i in range(4)]
    f = nnderive.compile("lambda, id, int, exp : vector(n); L = lambda'*id + sum(int.*exp)")
    assert f.names == ["lambda", "id", "int", "exp"]
    want = a[0] @ a[1] + a[2] @ a[3]
    assert f(*a)[0] == want == f(**dict(zip(f.names, a)))[0]
    assert close(f(*a)[1], a[1])
    g = nnderive.compile("id, len : vector(n); L = id'*len")
    assert list(inspect.signature(g).parameters) == ["id", "len"]
    assert g(a[0], a[1])[0] == a[0] @ a[1] and close(g(id=a[0], len=a[1])[2], a[0])

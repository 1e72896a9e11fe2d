#!/usr/bin/python3
"""Hand-written NumPy (float64, one thread) closed-form gradients of the
generated-code benchmark's problems A (linear autoencoder) and B (2-layer
swish network), timed and printed like bench/bench_codegen.c.  Checks the
gradients against central differences at the small sizes first; exit
status 1 if a check fails.

    /usr/bin/python3 bench/peers/numpy_bench.py
"""
import os
import sys

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

try:
    import numpy as np
except ImportError:
    print("numpy: not installed (apt-get install python3-numpy); skipped")
    sys.exit(0)

import benchlib as bl

PEER = "numpy"


def ae_grad(W, x):
    """L and dL/dW = (W x) r' + (W r) x' with r = W'(W x) - x."""
    Wx = W @ x
    r = W.T @ Wx - x
    return 0.5 * float(r @ r), np.outer(Wx, r) + np.outer(W @ r, x)


def mlp_grad(W1, b1, W2, b2, X, Y):
    """L and [dW1, db1, dW2, db2]."""
    N = X.shape[1]
    Z1 = W1 @ X + b1[:, None]
    S = 1.0 / (1.0 + np.exp(-Z1))
    H1 = Z1 * S
    Z2 = W2 @ H1 + b2[:, None]
    Zs = Z2 - Z2.max(axis=0)
    logp = Zs - np.log(np.exp(Zs).sum(axis=0))
    L = -float((Y * logp).sum()) / N
    G2 = (np.exp(logp) - Y) / N
    G1 = (W2.T @ G2) * (S + Z1 * S * (1.0 - S))
    return L, [G1 @ X.T, G1.sum(axis=1), G2 @ H1.T, G2.sum(axis=1)]


def fd_error(loss, args, k, grad, samples, rng):
    """Gradient of args[k] against central differences at `samples` entries
    (all if it has no more): max |fd - g| / max |g| over them."""
    v = args[k].reshape(-1)
    g = grad.reshape(-1)
    idx = (range(v.size) if samples >= v.size
           else rng.integers(0, v.size, samples))
    d = big = 0.0
    for i in idx:
        v0 = v[i]
        h = 6e-6 * max(1.0, abs(v0))
        v[i] = v0 + h
        fp = loss(*args)
        v[i] = v0 - h
        fm = loss(*args)
        v[i] = v0
        fd = (fp - fm) / ((v0 + h) - (v0 - h))
        d, big = max(d, abs(fd - g[i])), max(big, abs(g[i]))
    return d / big if big > 0 else d


def checks():
    rng = np.random.default_rng(7)
    ok = True
    m, n = bl.AE_SIZES[0]
    W, x = bl.ae_inputs(m, n)
    _, g = ae_grad(W, x)
    err = fd_error(lambda W, x: ae_grad(W, x)[0], [W, x], 0, g, W.size, rng)
    ok &= bl.check("ae", bl.ae_label(m, n),
                   f"{PEER} dL/dW vs central diff ({W.size} entries)",
                   err, 1e-6)
    args = list(bl.mlp_inputs(*bl.MLP_SIZE))
    _, grads = mlp_grad(*args)
    for k, name in enumerate(["dL/dW1", "dL/db1", "dL/dW2", "dL/db2"]):
        count = min(40, args[k].size)
        err = fd_error(lambda *a: mlp_grad(*a)[0], args, k, grads[k], count,
                       rng)
        ok &= bl.check("mlp", bl.mlp_label(*bl.MLP_SIZE),
                       f"{PEER} {name} vs central diff ({count} entries)",
                       err, 1e-6)
    return ok


def bench():
    for m, n in bl.AE_SIZES:
        W, x = bl.ae_inputs(m, n)
        st = bl.measure(lambda: ae_grad(W, x))
        L, g = ae_grad(W, x)
        bl.report("ae", bl.ae_label(m, n), PEER, st, L, [g])
    args = bl.mlp_inputs(*bl.MLP_SIZE)
    st = bl.measure(lambda: mlp_grad(*args))
    L, grads = mlp_grad(*args)
    bl.report("mlp", bl.mlp_label(*bl.MLP_SIZE), PEER, st, L, grads)


if __name__ == "__main__":
    sys.exit(bl.run(f"numpy_bench (NumPy {np.__version__}, float64, 1 thread)",
                    checks, bench))

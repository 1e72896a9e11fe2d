#!/usr/bin/python3
"""PyTorch autograd (CPU, float64, one thread) on the generated-code
benchmark's problems A (linear autoencoder) and B (2-layer swish network):
each timed call is a forward pass and loss.backward(), which leaves the
gradients in .grad.  Printed like bench/bench_codegen.c.  Checks autograd
against the closed-form gradients (computed in torch) first; exit status 1
if a check fails.

    /usr/bin/python3 bench/peers/torch_bench.py
"""
import os
import sys

# Debian's torch calls the system BLAS (OpenBLAS, with its own threads):
# torch.set_num_threads alone does not make that single-threaded.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

try:
    import numpy  # noqa: F401  (benchlib makes the inputs with it)
    import torch
    import torch.nn.functional as F
except ImportError as e:
    print(f"torch: cannot import {e.name} (apt-get install python3-torch);"
          " skipped")
    sys.exit(0)

import benchlib as bl

PEER = "torch"
torch.set_num_threads(1)
torch.set_num_interop_threads(1)


def tensor(a, grad=False):
    return torch.tensor(a, dtype=torch.float64, requires_grad=grad)


def ae_loss(W, x):
    r = W.t() @ (W @ x) - x
    return 0.5 * r.dot(r)


def ae_step(W, x):
    """Forward and backward: L, with dL/dW left in W.grad."""
    W.grad = None
    L = ae_loss(W, x)
    L.backward()
    return L


def ae_closed_form(W, x):
    with torch.no_grad():
        Wx = W @ x
        r = W.t() @ Wx - x
        return torch.outer(Wx, r) + torch.outer(W @ r, x)


def mlp_loss(W1, b1, W2, b2, X, Y):
    Z1 = W1 @ X + b1[:, None]
    Z2 = W2 @ F.silu(Z1) + b2[:, None]
    return -(Y * torch.log_softmax(Z2, dim=0)).sum() / X.shape[1]


def mlp_step(params, X, Y):
    """Forward and backward: L, with the gradients left in params' .grad."""
    for p in params:
        p.grad = None
    L = mlp_loss(*params, X, Y)
    L.backward()
    return L


def mlp_closed_form(W1, b1, W2, b2, X, Y):
    with torch.no_grad():
        Z1 = W1 @ X + b1[:, None]
        S = torch.sigmoid(Z1)
        H1 = Z1 * S
        G2 = (torch.softmax(W2 @ H1 + b2[:, None], dim=0) - Y) / X.shape[1]
        G1 = (W2.t() @ G2) * (S + Z1 * S * (1 - S))
        return [G1 @ X.t(), G1.sum(1), G2 @ H1.t(), G2.sum(1)]


def mlp_tensors(size):
    W1, b1, W2, b2, X, Y = bl.mlp_inputs(*size)
    params = [tensor(a, grad=True) for a in (W1, b1, W2, b2)]
    return params, tensor(X), tensor(Y)


def checks():
    ok = True
    m, n = bl.AE_SIZES[0]
    W, x = (tensor(a) for a in bl.ae_inputs(m, n))
    W.requires_grad_(True)
    ae_step(W, x)
    ok &= bl.check("ae", bl.ae_label(m, n), f"{PEER} dL/dW vs closed form",
                   bl.rel_diff(W.grad, ae_closed_form(W, x)), 1e-12)
    params, X, Y = mlp_tensors(bl.MLP_SIZE)
    mlp_step(params, X, Y)
    closed = mlp_closed_form(*params, X, Y)
    for p, c, name in zip(params, closed, ["dL/dW1", "dL/db1", "dL/dW2",
                                           "dL/db2"]):
        ok &= bl.check("mlp", bl.mlp_label(*bl.MLP_SIZE),
                       f"{PEER} {name} vs closed form",
                       bl.rel_diff(p.grad, c), 1e-12)
    return ok


def bench():
    for m, n in bl.AE_SIZES:
        W, x = (tensor(a) for a in bl.ae_inputs(m, n))
        W.requires_grad_(True)
        st = bl.measure(lambda: ae_step(W, x))
        L = float(ae_step(W, x))
        bl.report("ae", bl.ae_label(m, n), PEER, st, L, [W.grad.numpy()])
    params, X, Y = mlp_tensors(bl.MLP_SIZE)
    st = bl.measure(lambda: mlp_step(params, X, Y))
    L = float(mlp_step(params, X, Y))
    bl.report("mlp", bl.mlp_label(*bl.MLP_SIZE), PEER, st, L,
              [p.grad.numpy() for p in params])


if __name__ == "__main__":
    sys.exit(bl.run(f"torch_bench (PyTorch {torch.__version__}, float64, 1 thread, "
                    "forward + backward)",
                    checks, bench))

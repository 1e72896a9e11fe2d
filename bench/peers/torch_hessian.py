#!/usr/bin/python3
"""PyTorch (CPU, float64, one thread) on bench/bench_hessian.c's problem:
the Hessian of L2-regularised logistic regression with respect to the
weights x, on the inputs bench_hessian wrote (DIR/hess_M_N.bin), by
torch.autograd.functional.hessian with and without vectorize=True and
functorch.hessian (torch.func in later versions), and the Hessian-vector
product by torch.autograd.functional.hvp and by functorch (jvp of grad).
Each result is checked against bench_hessian's closed form
(DIR/hess_M_N.ref) first.  Prints lines like bench_hessian's; exit status
1 if a check fails.

    /usr/bin/python3 bench/peers/torch_hessian.py DIR
"""
import os
import sys
import time

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

try:
    import numpy as np
    import torch
except ImportError as e:
    print(f"# torch: cannot import {e.name} (apt-get install python3-torch);"
          " skipped")
    sys.exit(0)

torch.set_num_threads(1)
torch.set_num_interop_threads(1)

try:
    from torch.func import hessian as func_hessian, jvp as func_jvp, grad as func_grad
    FUNC = "torch.func"
except ImportError:
    try:
        from functorch import hessian as func_hessian, jvp as func_jvp, grad as func_grad
        FUNC = "functorch"
    except ImportError:
        func_hessian = None
        FUNC = None

SIZES = [(1000, 10), (1000, 100), (2048, 256)]


def load(d, m, n):
    raw = np.fromfile(os.path.join(d, f"hess_{m}_{n}.bin"), dtype=np.float64)
    A = raw[:m * n].reshape(m, n)
    y = raw[m * n:m * n + m]
    x = raw[m * n + m:m * n + m + n]
    lam = raw[m * n + m + n]
    v = raw[m * n + m + n + 1:]
    ref = np.fromfile(os.path.join(d, f"hess_{m}_{n}.ref"), dtype=np.float64)
    return A, y, x, lam, v, ref[:n * n].reshape(n, n), ref[n * n:]


def loss_fn(A, y, lam):
    def loss(x):
        z = A @ x
        # -sum(y log s + (1 - y) log(1 - s)) written stably
        return (torch.nn.functional.softplus(-z) * y
                + torch.nn.functional.softplus(z) * (1 - y)).sum() + lam / 2 * x.dot(x)
    return loss


def median_ms(fn):
    fn()
    t0 = time.perf_counter()
    fn()
    first = time.perf_counter() - t0
    reps = max(5, min(500, int(0.3 / max(first, 1e-9))))
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    ts.sort()
    return 1e3 * ts[len(ts) // 2]


def rel(a, b):
    return float(np.max(np.abs(a - b)) / max(1.0, float(np.max(np.abs(b)))))


def main():
    d = sys.argv[1] if len(sys.argv) > 1 else "."
    status = 0
    print(f"# torch {torch.__version__}, {FUNC or 'no functorch'}")
    for m, n in SIZES:
        A, y, x, lam, v, H, Hv = load(d, m, n)
        At, yt, xt, vt = (torch.tensor(a) for a in (A, y, x, v))
        f = loss_fn(At, yt, float(lam))
        peers = [
            ("hessian", "torch_hessian", lambda: torch.autograd.functional.hessian(f, xt)),
            ("hessian", "torch_hessian_vectorize",
             lambda: torch.autograd.functional.hessian(f, xt, vectorize=True)),
        ]
        if func_hessian is not None:
            fh = func_hessian(f)
            peers.append(("hessian", FUNC.replace(".", "_") + "_hessian", lambda: fh(xt)))
        peers.append(("hvp", "torch_hvp", lambda: torch.autograd.functional.hvp(f, xt, vt)[1]))
        if func_hessian is not None:
            gf = func_grad(f)
            peers.append(("hvp", FUNC.replace(".", "_") + "_jvp_grad",
                          lambda: func_jvp(gf, (xt,), (vt,))[1]))
        for kind, name, fn in peers:
            want = H if kind == "hessian" else Hv
            err = rel(fn().detach().numpy(), want)
            if err > 1e-10:
                print(f"# {name} at ({m}, {n}): off the closed form by {err:g}: FAILED")
                status = 1
            best = min(median_ms(fn) for _ in range(3))   # the best of 3 medians
            print(f"{kind} {m} {n} {name} {best:.4f}", flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())

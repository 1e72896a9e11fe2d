#!/usr/bin/python3
"""The compiled callable of nnderive's Python package (nnderive.compile)
and the generated NumPy module (``nnderive --numpy``, Program.numpy_function)
against hand-written NumPy and PyTorch autograd, on the linear autoencoder
and the seed's 2-layer swish network on a batch, one thread, float64.

Each peer is checked first (the callable against the NumPy closed form,
relative difference below 1e-10); then each is timed with the rules of
bench/peers/benchlib.py (median over runs of back-to-back calls).  The
``C alone`` column is the same generated code and ctypes entry point called
in a C loop: the difference to the callable is the per-call cost of
Python and ctypes.  Run by `make bench-python` (bench/RESULTS.md):

    PYTHONPATH=python NNDERIVE_LIBRARY=build/libnnderive.so.0 \\
        OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/bench_python.py
"""
import ctypes
import os
import pathlib
import subprocess
import sys
import tempfile

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench" / "peers"))

import numpy as np  # noqa: E402

import benchlib as bl  # noqa: E402
import numpy_bench  # noqa: E402
import nnderive  # noqa: E402
from nnderive import compiled  # noqa: E402

try:
    import torch_bench
    import torch
except (ImportError, SystemExit):
    torch_bench = None

AE_SIZES = [(8, 16), (16, 32), (64, 128), (512, 1024), (1024, 2048)]
MLP_SIZES = [(16, 8, 4, 1), (16, 8, 4, 8), (64, 32, 10, 32), (784, 128, 10, 64)]  # D, H, C, N

DRIVER = r"""
#include <time.h>
/* seconds per call of the ctypes entry point, over reps calls */
double bench_calls(long *a, long reps);
double bench_calls(long *a, long reps)
{
    struct timespec t0, t1;
    volatile double sink = 0.0;
    long i;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (i = 0; i < reps; i++)
        sink += ndpy_py_call(a);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    (void)sink;
    return ((double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec)) / reps;
}
"""


def c_alone(fn, workdir):
    """The callable's own C (the cached source beside its object) with a
    timing loop, built with the same flags."""
    c_path = fn.library[:-3] + ".c"
    src = pathlib.Path(workdir) / (pathlib.Path(c_path).stem + "_loop.c")
    src.write_text(pathlib.Path(c_path).read_text() + DRIVER)
    so = src.with_suffix(".so")
    flags, libs = compiled._flags(fn.native, fn.blas, [])  # compile()'s defaults
    subprocess.run(compiled._compiler(None) + flags + ["-o", str(so), str(src)] + libs,
                   check=True)
    lib = ctypes.CDLL(str(so))
    lib.bench_calls.restype = ctypes.c_double
    lib.bench_calls.argtypes = [ctypes.POINTER(ctypes.c_long), ctypes.c_long]
    return lib.bench_calls


def time_c_alone(loop, fn, inputs):
    """Median seconds per call of the C loop on these inputs.  The outputs
    are arrays the callable returned, at the addresses its own calls get:
    the generated code's speed depends on where its outputs lie relative to
    its inputs (at 64x128 the autoencoder takes 9 us or 29 us depending on
    the distance from W to dL/dW modulo 4 KiB), so that other buffers would
    compare unlike with like."""
    sig_dims = dims_of(fn, inputs)
    grads = [g if isinstance(g, np.ndarray) else np.empty(1) for g in fn(*inputs)[1:]]
    words = sig_dims + [a.ctypes.data for a in inputs] + [g.ctypes.data for g in grads] + [0, 0]
    buf = (ctypes.c_long * len(words))(*words)
    # runs of about 50 us, as benchlib's: longer ones (milliseconds) get
    # preempted on a loaded machine, and their median with them
    reps = 1
    while loop(buf, reps) * reps < 50e-6 and reps < 1 << 20:
        reps *= 2
    med, q1, q3, runs, calls = bl.measure(lambda: loop(buf, reps))
    return (med / reps, q1 / reps, q3 / reps, runs, calls * reps)


def dims_of(fn, inputs):
    sizes = {}
    for name, a in zip(fn.names, inputs):
        for d, n in zip(fn.shapes[name], np.shape(a)):
            if not isinstance(d, int):
                sizes[d] = n
    return [sizes[d] for d in fn.dims]


# The variants of nnderive.compile timed: the default (-O3, native="auto":
# -march=native -mprefer-vector-width=256 here, blas="auto": OpenBLAS where
# it links), blas=False (the
# generated loops), and OpenBLAS with -march=native -ffast-math (libmvec's
# vector exp), which needs OpenBLAS.
VARIANTS = [("nnderive", {}), ("blas=False", {"blas": False}),
            ("blas, native, -ffast-math",
             {"blas": True, "native": True, "cflags": ["-ffast-math"]})]
COLUMNS = [v[0] for v in VARIANTS] + ["C alone", "overhead", "--numpy", "NumPy", "PyTorch"]


def check(problem, size, fn, inputs, value, grads):
    got = fn(*inputs)
    err = max([abs(got[0] - value) / max(1, abs(value))] +
              [bl.rel_diff(g, w) for g, w in zip(got[1:], grads)])
    return bl.check(problem, size, "%s vs the NumPy closed form" % fn.variant, err, 1e-10)


def row(problem, size, results):
    cells = ["-" if results.get(peer) is None else fmt(results[peer]) for peer in COLUMNS]
    print("| %s %s | %s |" % (problem, size, " | ".join(cells)), flush=True)


def fmt(t):
    if t >= 1e-3:
        return "%.3g ms" % (t * 1e3)
    return "%.3g us" % (t * 1e6)


def run_problem(problem, size, fns, inputs, closed, torch_step, workdir, module):
    value, grads = closed(*inputs)
    results, ok = {}, True
    # the --numpy module, checked like the callables
    got = module(*inputs)
    err = max([abs(got[0] - value) / max(1, abs(value))] +
              [bl.rel_diff(g, w) for g, w in zip(got[1:], grads)])
    ok &= bl.check(problem, size, "--numpy vs the NumPy closed form", err, 1e-10)
    st = bl.measure(lambda: module(*inputs))
    bl.report(problem, size, "numpy-module", st, value, grads)
    results["--numpy"] = st[0]
    for fn in fns:
        ok &= check(problem, size, fn, inputs, value, grads)
        st = bl.measure(lambda: fn(*inputs))
        bl.report(problem, size, "nnderive" + ("" if fn is fns[0] else "-" + str(fns.index(fn))),
                  st, value, grads)
        results[fn.variant] = st[0]
        if fn is fns[0] and st[0] < 100e-6:
            # the cost of Python and ctypes, a constant per call: measurable
            # where the computation is short
            loop = c_alone(fn, workdir)
            cst = time_c_alone(loop, fn, inputs)
            bl.report(problem, size, "C-alone", cst, value, grads)
            results["C alone"] = cst[0]
            results["overhead"] = st[0] - cst[0]
    st = bl.measure(lambda: closed(*inputs))
    bl.report(problem, size, "numpy", st, value, grads)
    results["NumPy"] = st[0]
    if torch_step is not None:
        step = torch_step(inputs)
        st = bl.measure(step)
        bl.report(problem, size, "torch", st, value, grads)
        results["PyTorch"] = st[0]
    return results, ok


def ae_closed(W, x):
    L, g = numpy_bench.ae_grad(W, x)
    return L, [g]


def ae_torch(inputs):
    W, x = (torch_bench.tensor(a) for a in inputs)
    W.requires_grad_(True)
    return lambda: torch_bench.ae_step(W, x)


def mlp_torch(inputs):
    W1, b1, W2, b2, X, Y = inputs
    params = [torch_bench.tensor(a, grad=True) for a in (W1, b1, W2, b2)]
    X, Y = torch_bench.tensor(X), torch_bench.tensor(Y)
    return lambda: torch_bench.mlp_step(params, X, Y)


def have_openblas(workdir):
    src = pathlib.Path(workdir) / "blas.c"
    src.write_text("int main(void) { return 0; }\n")
    return subprocess.run(["cc", str(src), "-lopenblas", "-o", str(src.with_suffix(""))],
                          capture_output=True).returncode == 0


def compile_variants(example, blas):
    fns = []
    for label, options in VARIANTS[:3 if blas else 2]:
        fn = nnderive.compile(ROOT / "examples" / example, **options)
        fn.variant = label
        cc = compiled._compiler(None)
        fn.blas = bool(compiled._resolve_blas(options.get("blas", "auto"), cc))
        fn.native = compiled._native_flags(options.get("native", "auto"), cc)
        fns.append(fn)
    return fns


def main():
    print("# bench_python: nnderive %s (compiled callable), NumPy %s%s; float64, 1 thread; "
          "median time per call" % (nnderive.version(), np.__version__,
                                    ", PyTorch %s" % torch.__version__ if torch_bench else
                                    ", PyTorch not installed (apt-get install python3-torch)"))
    print("# the ctypes path reads array data pointers %s" %
          ("from the array objects (offset %d)" % compiled._OFFSET
           if compiled._OFFSET is not None else "with ndarray.ctypes.data"))
    ok = True
    table = []
    with tempfile.TemporaryDirectory() as workdir:
        blas = have_openblas(workdir)
        if not blas:
            print("# OpenBLAS not found: the default is blas=False and the native "
                  "variant is skipped (apt-get install libopenblas-dev)")
        ae = compile_variants("autoencoder.nd", blas)
        mlp = compile_variants("two_layer_swish_batch.nd", blas)
        ae_np = nnderive.Program(ROOT / "examples" / "autoencoder.nd").numpy_function()
        mlp_np = nnderive.Program(ROOT / "examples" / "two_layer_swish_batch.nd").numpy_function()
        for m, n in AE_SIZES:
            res, good = run_problem("ae", "%dx%d" % (m, n), ae, list(bl.ae_inputs(m, n)),
                                    ae_closed, ae_torch if torch_bench else None,
                                    workdir, ae_np)
            table.append(("autoencoder", "%dx%d" % (m, n), res))
            ok &= good
        for size in MLP_SIZES:
            label = "D=%d H=%d C=%d N=%d" % size
            res, good = run_problem("mlp", label, mlp, list(bl.mlp_inputs(*size)),
                                    numpy_bench.mlp_grad, mlp_torch if torch_bench else None,
                                    workdir, mlp_np)
            table.append(("2-layer", label, res))
            ok &= good
    print()
    print("| problem | %s |" % " | ".join(COLUMNS))
    print("|---|%s" % ("---|" * len(COLUMNS)))
    for problem, size, res in table:
        row(problem, size, res)
    if not ok:
        print("# check(s) FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

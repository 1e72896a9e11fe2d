"""Shared by torch_bench.py and numpy_bench.py: the inputs of the
generated-code benchmark (the same splitmix64 draws as bench_codegen.c, so
every peer sees the same numbers), its timing rule and its output format.
Import it only after setting the *_NUM_THREADS variables: it imports NumPy.
"""
import gc
import math
import time

import numpy as np

AE_SIZES = [(8, 16), (64, 128), (512, 1024), (1024, 2048)]
MLP_SIZE = (784, 128, 10, 64)  # D, H, C, N

TOTAL_S, RUN_MIN_S, WARMUP_S = 0.2, 20e-6, 0.05
MIN_RUNS, MAX_RUNS = 21, 20001

_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)


class Draws:
    """splitmix64 from a seed; the k-th draw mixes seed + k*gamma."""

    def __init__(self, seed=42):
        self.seed, self.count = np.uint64(seed), 0

    def raw(self, n):
        k = np.arange(self.count + 1, self.count + n + 1, dtype=np.uint64)
        self.count += n
        z = self.seed + k * _GAMMA
        z = (z ^ (z >> np.uint64(30))) * _M1
        z = (z ^ (z >> np.uint64(27))) * _M2
        return z ^ (z >> np.uint64(31))

    def uniform(self, *shape):
        """Uniform in [-1, 1) from the top 53 bits, row-major."""
        top = (self.raw(math.prod(shape)) >> np.uint64(11)).astype(np.float64)
        return (2.0 * np.ldexp(top, -53) - 1.0).reshape(shape)

    def onehot(self, C, N):
        Y = np.zeros((C, N))
        Y[(self.raw(N) % np.uint64(C)).astype(np.int64), np.arange(N)] = 1.0
        return Y


def ae_inputs(m, n):
    d = Draws()
    return d.uniform(m, n), d.uniform(n)


def mlp_inputs(D, H, C, N):
    """W1, b1, W2, b2, X, Y."""
    d = Draws()
    return (d.uniform(H, D), d.uniform(H), d.uniform(C, H), d.uniform(C),
            d.uniform(D, N), d.onehot(C, N))


def ae_label(m, n):
    return f"{m}x{n}"


def mlp_label(D, H, C, N):
    return f"N{N}_D{D}_H{H}_C{C}"


def _time_calls(fn, calls):
    t0 = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - t0) / calls


def _quantile(t, q):
    pos = q * (len(t) - 1)
    i = int(pos)
    return t[i] + (pos - i) * (t[i + 1] - t[i]) if i + 1 < len(t) else t[i]


def measure(fn):
    """Warm up, then the quartiles of the time per call (seconds) over runs
    of back-to-back calls: (median, q1, q3, runs, calls)."""
    t, start, n = _time_calls(fn, 1), time.perf_counter(), 1
    while time.perf_counter() - start < WARMUP_S or n < 3:
        t, n = min(t, _time_calls(fn, 1)), n + 1
    calls = 1 if t >= RUN_MIN_S else math.ceil(RUN_MIN_S / t)
    runs = min(max(int(TOTAL_S / (t * calls)), MIN_RUNS), MAX_RUNS)
    gc.disable()
    try:
        times = sorted(_time_calls(fn, calls) for _ in range(runs))
    finally:
        gc.enable()
    return (_quantile(times, 0.5), _quantile(times, 0.25),
            _quantile(times, 0.75), runs, calls)


def report(problem, size, peer, st, L, grads):
    """One result line, in bench_codegen.c's format."""
    med, q1, q3, runs, calls = st
    gsum = sum(float(np.abs(g).sum()) for g in grads)
    print(f"{problem:<4} {size:<20} {peer:<10} median {1e6 * med:11.3f} us  "
          f"q1 {1e6 * q1:11.3f}  q3 {1e6 * q3:11.3f}  "
          f"runs {runs:6d} x {calls:<5d} L={L:.10e} |g|={gsum:.10e}",
          flush=True)


def check(problem, size, what, err, tol):
    """One check line, in bench_codegen.c's format; returns whether ok."""
    ok = err <= tol
    print(f"check {problem:<4} {size:<20} {what:<46} {err:.2e} "
          f"{'ok' if ok else 'FAILED'}", flush=True)
    return ok


def rel_diff(a, b):
    """max |a - b| / max |b|."""
    a, b = np.asarray(a), np.asarray(b)
    big = float(np.abs(b).max())
    d = float(np.abs(a - b).max())
    return d / big if big > 0 else d


def run(title, checks, bench):
    """A peer's main: its title line, its checks, its timings; the exit
    status is 1 when a check failed."""
    print(f"# {title}: time per call, median over runs", flush=True)
    ok = checks()
    bench()
    if not ok:
        print("# check(s) FAILED")
    return 0 if ok else 1

#!/usr/bin/env python3
"""The seed examples' gradients with SymPy's matrix expressions, timed the
way bench_derive times nnderive: the median over many runs, the cache
cleared before each so that every run derives from scratch.  Prints what
SymPy returns (or why it cannot), so the readability shows too.

    python3 bench/peers/sympy_derive.py
"""
import statistics
import sys
import time

try:
    import sympy
    from sympy import MatrixSymbol, symbols, tanh
    from sympy.core.cache import clear_cache
    from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction
except ImportError:
    print("sympy: not installed (apt-get install python3-sympy); skipped")
    sys.exit(0)

m, n = symbols("m n", integer=True, positive=True)
W = MatrixSymbol("W", m, n)
x = MatrixSymbol("x", n, 1)


def autoencoder():
    r = W.T * W * x - x
    return (r.T * r) / 2


def autoencoder_tanh():
    h = ElementwiseApplyFunction(tanh, W * x)
    e = ElementwiseApplyFunction(tanh, W.T * h) - x
    return (e.T * e) / 2


def two_layer_swish():
    raise NotImplementedError("no softmax / cross-entropy in sympy.matrices.expressions")


def run(name, build, runs=30):
    times, result = [], None
    try:
        for _ in range(runs):
            clear_cache()
            t0 = time.perf_counter()
            result = build().diff(W)
            times.append(time.perf_counter() - t0)
    except Exception as ex:  # SymPy's failures are part of the result
        print(f"{name}: sympy {sympy.__version__} fails: {type(ex).__name__} {ex}")
        return
    med = statistics.median(times)
    text = str(result)
    print(f"{name}: sympy {sympy.__version__} median {med * 1e3:.1f} ms over {runs} runs; "
          f"result {len(text)} characters:")
    print("    " + (text if len(text) < 400 else text[:400] + " ..."))


run("autoencoder", autoencoder)
run("autoencoder_tanh", autoencoder_tanh)
run("two_layer_swish", two_layer_swish)

"""nnderive from Python: a thin ctypes binding to libnnderive.

    import nnderive
    p = nnderive.Program("W : matrix(m, n); x : vector(n)\\n"
                         "r = W'*W*x - x; L = 0.5*norm2(r)")
    print(p.gradients())            # dL/dW = W*(r*x' + x*r')
    f = nnderive.compile(p)         # the generated C, compiled and cached
    L, dW = f(W, x)                 # NumPy float64 arrays in, value and gradient out

Program gives every output of the command (gradients, latex, steps, paths,
dot, c, explain), verify() and check(); compile() builds the generated C
with the system compiler.  python/README.md has the details.  The NumPy
code generator of the command (--numpy) is not in the package yet.
"""

import importlib

from . import _lib
from .program import (CompileError, Error, NnderiveWarning, Place, Program, Report, ShapeError,
                      Variable, Verdict, Verification)

__version__ = _lib.PACKAGE_VERSION
library = _lib.path             # the libnnderive the package loaded

for _public in (Error, NnderiveWarning, Place, Program, Report, Variable, Verdict, Verification,
                CompileError, ShapeError):
    _public.__module__ = __name__   # shown as nnderive.ShapeError, where users find them


def __getattr__(name):
    """compile and cache_dir come from nnderive.compiled, imported on first
    use: it needs NumPy, which Program does not."""
    if name in ("compile", "cache_dir"):
        return getattr(importlib.import_module(".compiled", __name__), name)
    raise AttributeError("module 'nnderive' has no attribute %r" % name)


def version():
    """The version of the loaded libnnderive."""
    return _lib.version()


__all__ = ["Program", "compile", "Error", "CompileError", "ShapeError", "NnderiveWarning",
           "Verdict", "Report", "Place", "Variable", "Verification", "cache_dir", "version",
           "library"]

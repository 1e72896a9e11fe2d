"""nnderive.compile: the generated C built by the system compiler into a
shared object, cached on disk, and called through ctypes.

The callable it returns is a Python function generated for the program:
its parameters are the program's variables, its body checks the arrays'
types and shapes in a few straight-line tests and makes one ctypes call
(ctypes releases the GIL during it).  Anything off the fast path (another
dtype or layout, a list, a wrong shape, a missing argument) goes to one
generic routine that converts what it can and raises clear errors.
"""

import builtins
import ctypes
import hashlib
import json
import keyword
import os
import platform
import re
import shlex
import subprocess
import sys
import tempfile
import threading

try:
    import numpy as np
except ImportError as e:
    raise ImportError("nnderive.compile needs NumPy (apt-get install python3-numpy): %s" % e) \
        from None

from . import _lib
from .program import CompileError, Error, Program, ShapeError, read_source, _wrt_list

__all__ = ["compile", "cache_dir", "CompileError", "ShapeError"]

# Part of the cache key: bump when the wrapper, the metadata or the key change.
CACHE_FORMAT = 1
PREFIX = "ndpy"                  # the generated functions' prefix in every object

# Counters for the tests and the curious: compilations run, objects found on disk.
stats = {"compiles": 0, "disk_hits": 0}

_memo = {}                       # cache key -> the callable, within this process
_memo_lock = threading.Lock()


def cache_dir():
    """Where compiled objects are kept: $XDG_CACHE_HOME/nnderive, by default
    ~/.cache/nnderive (a relative XDG_CACHE_HOME is ignored, as the XDG
    specification says)."""
    base = os.environ.get("XDG_CACHE_HOME")
    if not base or not os.path.isabs(base):
        base = os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "nnderive")


# ---- the C side -------------------------------------------------------------

_COUNTS = re.compile(r"const int %s_n_dims = (\d+), %s_n_in = (\d+), %s_n_grad = (\d+);"
                     % (PREFIX, PREFIX, PREFIX))

_WRAPPER = r"""
/* Added by nnderive's Python package: one entry point for ctypes, which
 * passes one array of longs: the dimensions, the inputs' addresses, the
 * gradients' addresses, then two slots.  The first says what the addresses
 * are: 0, the arrays' data; otherwise they are NumPy array objects whose
 * data pointer is that many bytes in (the package checks the offset at
 * import).  The second is set to 1 when the workspace cannot be allocated.
 * The workspace is allocated per call, so that the function stays
 * reentrant. */
#include <stdint.h>
#include <stdlib.h>

const char *const %(p)s_py_meta = "%(meta)s";

double %(p)s_py_call(long *a);

/* The data of the array at a[i]. */
static double *%(p)s_py_data(const long *a, int i)
{
    long offset = a[%(slot)d];
    if (offset == 0)
        return (double *)(intptr_t)a[i];
    return (double *)*(char *const *)((const char *)(intptr_t)a[i] + offset);
}

double %(p)s_py_call(long *a)
{
    const double *in[%(n_in)d];
    double *grad[%(n_grad_1)d];
    double *work = NULL, value;
    size_t words = %(p)s_work_size(a);
    int i;
    for (i = 0; i < %(n_in)d; i++)
        in[i] = %(p)s_py_data(a, %(n_dims)d + i);
    for (i = 0; i < %(n_grad)d; i++)
        grad[i] = %(p)s_py_data(a, %(n_dims)d + %(n_in)d + i);
    if (words > 0) {
        if (words > SIZE_MAX / sizeof *work || !(work = malloc(words * sizeof *work))) {
            a[%(slot)d + 1] = 1;
            return 0.0;
        }
    }
    value = %(p)s_eval(a, in, grad, work);
    free(work);
    return value;
}
"""


def _c_string(s):
    return s.replace("\\", "\\\\").replace('"', '\\"')


def _wrapper(c_source, meta):
    m = _COUNTS.search(c_source)
    if not m:
        raise Error("nnderive: error: the generated C has no %s_n_dims line (a version "
                    "mismatch between the package and libnnderive?)" % PREFIX)
    n_dims, n_in, n_grad = (int(g) for g in m.groups())
    return _WRAPPER % {"p": PREFIX, "meta": _c_string(json.dumps(meta)), "n_dims": n_dims,
                       "n_in": n_in, "n_grad": n_grad, "n_grad_1": max(n_grad, 1),
                       "slot": n_dims + n_in + n_grad}


def _compiler(cc):
    if cc is None:
        cc = os.environ.get("CC") or "cc"
    return shlex.split(cc) if isinstance(cc, str) else list(cc)


_PROBE = """#include <cblas.h>
int main(void)
{
    double x[2] = { 1.0, 2.0 };
    return cblas_ddot(2, x, 1, x, 1) == 5.0 ? 0 : 1;
}
"""
_blas_found = {}
_native_ok = {}
# -march=native, and 256-bit vectors where the compiler takes the flag (gcc
# and clang on x86): with AVX-512's 512-bit vectors gcc -O3 made the
# 2-layer network's loop nests 2.2 times slower on the machine of
# bench/RESULTS.md (3.4 against 1.6 ms at D=784, N=64), and gcc's own
# tuning for AVX-512 CPUs prefers 256 bits too.
_NATIVE = [["-march=native", "-mprefer-vector-width=256"], ["-march=native"]]


def _probe_native(cc):
    """The first of _NATIVE that cc compiles with, or [] (a compiler that
    refuses -march=native gets portable code): test compiles once per
    compiler and process."""
    key = tuple(cc)
    with _memo_lock:
        if key in _native_ok:
            return _native_ok[key]
    found = []
    with tempfile.TemporaryDirectory(prefix="nnderive-native-") as d:
        src = os.path.join(d, "probe.c")
        with open(src, "w") as f:
            f.write("int main(void)\n{\n    return 0;\n}\n")
        for flags in _NATIVE:
            try:
                run = subprocess.run(cc + flags + ["-c", src, "-o", os.path.join(d, "probe.o")],
                                     stdin=subprocess.DEVNULL, capture_output=True)
            except OSError:
                break
            if run.returncode == 0:
                found = flags
                break
    with _memo_lock:
        return _native_ok.setdefault(key, found)


def _native_flags(native, cc):
    """native="auto": what _probe_native finds; True: that, or
    -march=native as asked; False: nothing."""
    if isinstance(native, str) and native == "auto":
        return list(_probe_native(cc))
    if native:
        return list(_probe_native(cc)) or ["-march=native"]
    return []


def _have_openblas(cc):
    """Whether cc compiles and links a CBLAS call against -lopenblas (the
    header and the library of libopenblas-dev): one test compile per
    compiler and process (0.1 to 0.4 s), not kept on disk, so that
    installing or removing OpenBLAS takes effect in the next process."""
    key = tuple(cc)
    with _memo_lock:
        if key in _blas_found:
            return _blas_found[key]
    with tempfile.TemporaryDirectory(prefix="nnderive-blas-") as d:
        src = os.path.join(d, "probe.c")
        with open(src, "w") as f:
            f.write(_PROBE)
        try:
            run = subprocess.run(cc + [src, "-o", os.path.join(d, "probe"), "-lopenblas"],
                                 stdin=subprocess.DEVNULL, capture_output=True)
            found = run.returncode == 0
        except OSError:
            found = False
    with _memo_lock:
        return _blas_found.setdefault(key, found)


def _resolve_blas(blas, cc):
    """blas="auto": True where OpenBLAS is there to link, else False."""
    if isinstance(blas, str) and blas == "auto":
        return _have_openblas(cc)
    return blas


def _flags(native, blas, cflags):
    """-O3: gcc vectorizes the plan's elementwise loops (at -O2 it does not
    where the length is not a constant): 0.65 against 0.61 ms for the 2-layer
    network at D=784, N=64 (bench/RESULTS.md).  native: _native_flags's."""
    flags = ["-O3", "-shared", "-fPIC"] + list(native) + list(cflags)
    libs = (["-lopenblas"] if blas is True else shlex.split(blas) if blas else []) + ["-lm"]
    return flags, libs


def _build(cc, flags, libs, c_text, directory, key):
    """Writes the C and compiles it beside its final place, then renames both
    into place: a concurrent compile of the same key writes its own
    temporary files, and whichever rename comes last leaves a whole object."""
    os.makedirs(directory, mode=0o700, exist_ok=True)
    fd, c_tmp = tempfile.mkstemp(prefix=key + ".", suffix=".c", dir=directory)
    so_tmp = c_tmp[:-2] + ".so"
    try:
        with os.fdopen(fd, "w") as f:
            f.write(c_text)
        cmd = cc + flags + ["-o", so_tmp, c_tmp] + libs
        try:
            run = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True)
        except OSError as e:
            raise CompileError("nnderive: error: cannot run the C compiler %r: %s (set CC "
                               "or pass cc=)" % (cc[0], e.strerror)) from None
        if run.returncode != 0:
            raise CompileError("nnderive: error: the C compiler failed (%s)"
                               % " ".join(shlex.quote(a) for a in cmd),
                               run.stderr + run.stdout)
        stats["compiles"] += 1
        base = os.path.join(directory, key)
        os.replace(c_tmp, base + ".c")
        os.replace(so_tmp, base + ".so")
        return base + ".so"
    finally:
        for tmp in (c_tmp, so_tmp):
            if os.path.exists(tmp):
                os.unlink(tmp)


# ---- the Python side --------------------------------------------------------

def _data_offset():
    """The offset of the data pointer in a NumPy array object, when the C
    wrapper may read it there: NumPy's PyArrayObject puts it right after the
    object header.  Passing the objects saves ndarray.ctypes.data, which
    costs more than the whole call at small sizes (1.4 us an array on the
    machine of bench/RESULTS.md).  Checked against .ctypes.data on fresh
    arrays and on views; None (and .ctypes.data) where it does not hold or
    outside CPython, whose id() is not an address."""
    if sys.implementation.name != "cpython":
        return None
    try:
        offset = object.__basicsize__
        read = ctypes.c_void_p.from_address
        probes = [np.empty(3), np.empty((4, 5))[1:], np.empty(7)[2:]]
        if all(read(id(a) + offset).value == a.ctypes.data for a in probes):
            return offset
    except Exception:
        pass
    return None


_OFFSET = _data_offset()


def _address(a):
    return a.ctypes.data


_UNITS = {"entries": ("entry", "entries"), "rows": ("row", "rows"),
          "columns": ("column", "columns")}


def _count(n, unit):
    one, many = _UNITS[unit]
    return "%d %s" % (n, one if n == 1 else many)


class _Input:
    """A variable's expected shape: its rank (0 scalar, 1 vector, 2 matrix)
    and, per axis, either the index of its dimension in dims or a fixed
    size (a dimension written as a number)."""

    def __init__(self, name, shape, dim_index):
        self.name = name
        self.rank = len(shape)
        self.kind = ("scalar", "vector", "matrix")[self.rank]
        self.dim = [None if isinstance(d, int) else dim_index[d] for d in shape]
        self.fixed = [d if isinstance(d, int) else None for d in shape]
        self.declared = tuple(shape)
        self.units = ["entries"] if self.rank == 1 else ["rows", "columns"][:self.rank]


class _Signature:
    """What a compiled function knows of its program, and the generic path
    of a call: conversion, shape checks with messages, the call."""

    def __init__(self, so, meta):
        read = lambda kind, name, n: (kind * n).in_dll(so, "%s_%s" % (PREFIX, name))
        n_dims = ctypes.c_int.in_dll(so, PREFIX + "_n_dims").value
        n_in = ctypes.c_int.in_dll(so, PREFIX + "_n_in").value
        n_grad = ctypes.c_int.in_dll(so, PREFIX + "_n_grad").value
        names = lambda arr: [s.decode() for s in arr]
        self.dims = names(read(ctypes.c_char_p, "dim_names", n_dims)) if n_dims else []
        self.names = names(read(ctypes.c_char_p, "in_names", n_in))
        self.wrt = names(read(ctypes.c_char_p, "grad_names", n_grad)) if n_grad else []
        self.objective = meta["objective"]
        self.order = meta["order"]
        dim_index = {d: i for i, d in enumerate(self.dims)}
        shapes = {name: [d if isinstance(d, int) else str(d) for d in shape]
                  for name, shape in meta["shapes"].items()}
        missing = [n for n in self.names if n not in shapes]
        unknown = [d for s in shapes.values() for d in s
                   if not isinstance(d, int) and d not in dim_index]
        if missing or unknown:
            raise Error("nnderive: error: the compiled object disagrees with its metadata "
                        "(%s)" % ", ".join(missing + unknown))
        self.inputs = [_Input(n, shapes[n], dim_index) for n in self.names]
        self.grad_of = [self.names.index(w) for w in self.wrt]
        bound = {i for inp in self.inputs for i in inp.dim if i is not None}
        free = [d for i, d in enumerate(self.dims) if i not in bound]
        if free:
            raise Error("nnderive: error: the dimension%s %s %s not the size of any variable: "
                        "a compiled function reads its sizes from its arguments"
                        % ("s" if len(free) > 1 else "", ", ".join(free),
                           "are" if len(free) > 1 else "is"))
        self.fn = so[PREFIX + "_py_call"]
        self.fn.restype = ctypes.c_double
        self.fn.argtypes = None      # the buffer passes as a pointer; argtypes would cost a check
        self.buffer = ctypes.c_long * (n_dims + n_in + n_grad + 2)

    # -- binding the arguments

    def bind(self, args, kwargs):
        n = len(self.names)
        if len(args) > n:
            raise TypeError("%s() takes %d argument%s (%s), %d given"
                            % (self.objective, n, "" if n == 1 else "s",
                               ", ".join(self.names), len(args)))
        values = list(args) + [None] * (n - len(args))
        given = [True] * len(args) + [False] * (n - len(args))
        for key, value in kwargs.items():
            if key not in self.names:
                raise TypeError("%s() got an unexpected keyword argument %r (the variables "
                                "are %s)" % (self.objective, key, ", ".join(self.names)))
            i = self.names.index(key)
            if given[i]:
                raise TypeError("%s() got multiple values for argument %r"
                                % (self.objective, key))
            values[i], given[i] = value, True
        absent = [self.names[i] for i in range(n) if not given[i]]
        if absent:
            raise TypeError("%s() missing %d argument%s: %s"
                            % (self.objective, len(absent), "" if len(absent) == 1 else "s",
                               ", ".join(absent)))
        return values

    # -- conversion and shapes

    def convert(self, inp, value):
        """A float64 array in the storage order, copied only when needed."""
        try:
            a = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError) as e:
            raise TypeError("%s: cannot be converted to a float64 array: %s"
                            % (inp.name, e)) from None
        if inp.rank == 0:
            if a.size != 1 or a.ndim > 2:
                raise ShapeError("%s is a scalar: got an array of shape %s"
                                 % (inp.name, a.shape))
            return a.reshape(1).copy() if not a.flags.c_contiguous else a.reshape(1)
        if inp.rank == 1 and not (a.ndim == 1 or (a.ndim == 2 and a.shape[1] == 1)):
            raise ShapeError("%s is a vector: pass a 1-D array or a column (n x 1), got shape %s"
                             % (inp.name, a.shape))
        if inp.rank == 2 and a.ndim != 2:
            raise ShapeError("%s is a matrix: pass a 2-D array, got shape %s"
                             % (inp.name, a.shape))
        a = np.asfortranarray(a) if self.order == "F" else np.ascontiguousarray(a)
        return a if a.flags.aligned else a.copy(order=self.order)    # from a byte buffer

    def sizes(self, arrays):
        """The dimensions, read from the arrays and checked against each other."""
        dims = [None] * len(self.dims)
        seen = [None] * len(self.dims)          # who fixed each dimension, in words
        for inp, a in zip(self.inputs, arrays):
            for axis in range(inp.rank):
                size, dim, fixed = a.shape[axis], inp.dim[axis], inp.fixed[axis]
                said = "%s has %s" % (inp.name, _count(size, inp.units[axis]))
                if fixed is not None:
                    if size != fixed:
                        raise ShapeError("%s: it is declared with %d" % (said, fixed))
                elif size < 1:
                    raise ShapeError("%s: the dimension %s must be at least 1"
                                     % (said, self.dims[dim]))
                elif dims[dim] is None:
                    dims[dim], seen[dim] = size, said
                elif dims[dim] != size:
                    raise ShapeError("%s, %s: %s differs" % (seen[dim], said, self.dims[dim]))
        return dims

    # -- the call

    def call(self, args, kwargs):
        values = self.bind(args, kwargs)
        arrays = [self.convert(inp, v) for inp, v in zip(self.inputs, values)]
        dims = self.sizes(arrays)
        order = self.order
        grads = [np.empty(arrays[i].shape, order=order) for i in self.grad_of]
        buf = self.buffer(*dims, *(_address(a) for a in arrays), *(_address(g) for g in grads),
                          0, 0)
        value = self.fn(buf)
        if buf[len(buf) - 1]:
            raise MemoryError("%s(): cannot allocate the workspace" % self.objective)
        out = [g[0] if self.inputs[i].rank == 0 else g for g, i in zip(grads, self.grad_of)]
        return (value, *out)


# ---- the fast path, generated per program ----------------------------------

def _fast_source(sig):
    """Python source of the function: straight-line checks for float64
    arrays in the storage order with consistent shapes, then the call; any
    other argument goes to the generic path, which converts it or says what
    is wrong."""
    names = sig.names
    # aligned, writeable and contiguous: a read-only array takes the generic path
    fwd = "farray" if sig.order == "F" else "carray"
    # the objects themselves when the wrapper can read their data pointer
    addr = "_nd_id(%s)" if _OFFSET is not None else "_nd_address(%s)"
    params = ", ".join(names)
    lines = ["def %s(%s):" % ("_nd_fast", params)]
    slow = "return _nd_generic((%s,), {})" % params
    tests, body, known = [], [], set()
    arrays = {}
    for i, inp in enumerate(sig.inputs):
        v = inp.name
        if inp.rank == 0:
            tests.append("(%s.__class__ is not _nd_float and %s.__class__ is not _nd_int)"
                         % (v, v))
            body.append("_nd_a%d = _nd_array((%s,), _nd_f8)" % (i, v))
            arrays[i] = "_nd_a%d" % i
            continue
        tests.append("%s.__class__ is not _nd_ndarray or %s.dtype is not _nd_f8 or not "
                     "%s.flags.%s" % (v, v, v, fwd if inp.rank == 2 else "carray"))
        arrays[i] = v
        s = "_nd_s%d" % i
        body.append("%s = %s.shape" % (s, v))
        dims = ["_nd_d%d" % d if d is not None else str(f) for d, f in zip(inp.dim, inp.fixed)]
        fresh = []                  # the axes that give a dimension its value
        for d in inp.dim:
            fresh.append(d is not None and d not in known)
            known.add(d)
        if inp.rank == 1:
            if fresh[0]:
                body.append("if %s.__len__() == 1 or (%s.__len__() == 2 and %s[1] == 1): "
                            "%s = %s[0]" % (s, s, s, dims[0], s))
                body.append("else: " + slow)
                body.append("if %s < 1: %s" % (dims[0], slow))
            else:
                body.append("if %s != (%s,) and %s != (%s, 1): %s"
                            % (s, dims[0], s, dims[0], slow))
        elif not any(fresh):
            body.append("if %s != (%s, %s): %s" % (s, dims[0], dims[1], slow))
        else:
            body.append("if %s.__len__() != 2: %s" % (s, slow))
            for axis in range(2):
                if fresh[axis]:
                    body.append("%s = %s[%d]" % (dims[axis], s, axis))
                    body.append("if %s < 1: %s" % (dims[axis], slow))
                else:
                    body.append("if %s[%d] != %s: %s" % (s, axis, dims[axis], slow))
    lines.append("    if (" + " or\n            ".join("(%s)" % t for t in tests) + "):")
    lines.append("        " + slow)
    lines += ["    " + b for b in body]
    outs = []
    for k, i in enumerate(sig.grad_of):
        g = "_nd_g%d" % k
        if sig.inputs[i].rank == 0:
            lines.append("    %s = _nd_empty(1)" % g)
            outs.append("%s[0]" % g)
        else:
            shape = "_nd_s%d" % i
            lines.append("    %s = _nd_empty(%s%s)" % (g, shape,
                                                      ", order='F'" if sig.order == "F" else ""))
            outs.append(g)
    words = ["_nd_d%d" % d for d in range(len(sig.dims))]
    words += [addr % arrays[i] for i in range(len(names))]
    words += [addr % ("_nd_g%d" % k) for k in range(len(sig.grad_of))]
    lines.append("    _nd_b = _nd_buffer(%s, %d, 0)" % (", ".join(words), _OFFSET or 0))
    lines.append("    _nd_v = _nd_fn(_nd_b)")
    lines.append("    if _nd_b[%d]: _nd_nomem()" % (len(words) + 1))
    lines.append("    return (_nd_v, %s)" % ", ".join(outs))
    return "\n".join(lines) + "\n"


def _fast_ok(sig):
    """The fast path names its parameters after the variables: each must be
    a Python identifier that is not a keyword nor one of its own names."""
    return all(n.isidentifier() and not keyword.iskeyword(n) and not n.startswith("_nd_")
               for n in sig.names)


def _make_function(sig, so_path, source):
    generic = lambda args, kwargs: sig.call(args, kwargs)

    def nomem():
        raise MemoryError("%s(): cannot allocate the workspace" % sig.objective)

    if _fast_ok(sig):
        env = {"_nd_generic": generic, "_nd_ndarray": np.ndarray,
               "_nd_f8": np.dtype(np.float64), "_nd_float": float, "_nd_int": int,
               "_nd_array": np.array, "_nd_empty": np.empty, "_nd_id": id, "_nd_address": _address,
               "_nd_buffer": sig.buffer, "_nd_fn": sig.fn, "_nd_nomem": nomem}
        code = _fast_source(sig)
        exec(builtins.compile(code, "<nnderive %s>" % sig.objective, "exec"), env)
        fn = env["_nd_fast"]
    else:
        def fn(*args, **kwargs):
            return sig.call(args, kwargs)
    fn.__name__ = fn.__qualname__ = sig.objective if sig.objective.isidentifier() else "f"
    fn.__doc__ = _docstring(sig)
    fn.__module__ = "nnderive"
    fn.names, fn.wrt, fn.dims, fn.objective = list(sig.names), list(sig.wrt), list(sig.dims), \
        sig.objective
    fn.shapes = {inp.name: inp.declared for inp in sig.inputs}
    fn.order, fn.library, fn.program = sig.order, so_path, source
    fn.generic = lambda *args, **kwargs: sig.call(args, kwargs)
    return fn


def _docstring(sig):
    shapes = []
    for inp in sig.inputs:
        dims = ", ".join(str(d) for d in inp.declared)
        shapes.append("    %s : %s%s" % (inp.name, inp.kind, "(%s)" % dims if dims else ""))
    return ("%s(%s) -> (%s, %s)\n\nThe objective and its gradients w.r.t. %s, compiled by "
            "nnderive.\nArguments (float64 arrays, %s order; vectors 1-D or n x 1):\n%s\n"
            % (sig.objective, ", ".join(sig.names), sig.objective,
               ", ".join("d%s/d%s" % (sig.objective, w) for w in sig.wrt), ", ".join(sig.wrt),
               sig.order, "\n".join(shapes)))


# ---- compile ----------------------------------------------------------------

_cpu = []


def _cpu_flags():
    """What -march=native depends on, so that a cache shared between
    machines (a network home) never hands one machine another's code."""
    if not _cpu:
        try:
            with open("/proc/cpuinfo") as f:
                _cpu.append(next((line for line in f if line.startswith("flags")), ""))
        except OSError:
            _cpu.append(platform.processor())
    return _cpu[0]


def _key(text, of, wrt, order, native, blas, cc, flags, libs):
    material = json.dumps([CACHE_FORMAT, _lib.version(), _lib.identity(), _lib.PACKAGE_VERSION, text, of, wrt, order,
                           bool(native), blas, cc, flags, libs, platform.machine(),
                           _cpu_flags() if native else ""])
    return hashlib.sha256(material.encode("utf-8", "surrogateescape")).hexdigest()[:32]


def _metadata(program, order):
    return {"objective": program.objective, "order": order,
            "shapes": {v.name: list(v.shape) for v in program.variables.values()}}


def _load(so_path):
    so = ctypes.CDLL(so_path)
    meta = json.loads(ctypes.c_char_p.in_dll(so, PREFIX + "_py_meta").value.decode())
    return so, meta


def compile(source, wrt=None, of=None, *, order="C", native="auto", blas="auto", cc=None,
            cflags=(), cache=None, name=None):
    """The objective and its gradients as a compiled Python callable.

    ``source`` is a program's text, a path, or a Program (whose wrt and of
    apply unless given here).  The generated C (as ``nnderive --c``) is
    compiled with the system C compiler (``cc -O3 -shared -fPIC``; ``CC`` or
    ``cc=`` picks another; ``native=True`` adds ``-march=native`` (and
    ``-mprefer-vector-width=256`` where the compiler takes it), and the
    default ``native="auto"`` adds them where the compiler takes them, as
    the object is built for this machine (the cache key then holds the
    CPU's flags; ``native=False`` for portable code); ``cflags`` adds flags;
    ``blas=True`` generates CBLAS calls and links ``-lopenblas``,
    or pass the link flags as a string; the default, ``blas="auto"``, is
    True when the compiler links a CBLAS call against ``-lopenblas``, as
    NumPy's products call BLAS, else False; ``blas=False`` keeps the
    generated loops) and cached in ``cache`` (default
    cache_dir(), i.e. $XDG_CACHE_HOME/nnderive) under a hash of the source,
    the options and the nnderive version, so that the next call, in this
    process or another, loads it without compiling.

    ``order="C"`` (default) takes matrices row-major; ``order="F"`` generates
    column-major code (``--colmajor``) and takes Fortran-ordered matrices.
    An argument in the other order, of another dtype or not contiguous is
    copied once into a float64 array of the right order.

    The callable takes the variables in declaration order (inferred ones
    after, as ``names`` lists them), positionally or by keyword, and
    returns ``(value, grad_1, ..., grad_k)``: the objective as a float, then
    one gradient per ``wrt`` variable, shaped like that argument (a float
    for a scalar).  The dimensions come from the arrays' shapes, checked
    against each other (ShapeError).  It holds no state: threads may call it
    at once, and the GIL is released during the computation.
    """
    if order not in ("C", "F"):
        raise ValueError("order must be 'C' or 'F', not %r" % (order,))
    program = source if isinstance(source, Program) else None
    if program is not None:
        text, name = program.source, program.name
        wrt = _wrt_list(wrt) if wrt is not None else program._wrt_arg
        of = of if of is not None else program._of
    else:
        text, name = read_source(source, name)
        wrt = _wrt_list(wrt)
    compiler = _compiler(cc)
    native = _native_flags(native, compiler)
    blas = _resolve_blas(blas, compiler)
    flags, libs = _flags(native, blas, cflags)
    key = _key(text, of, wrt, order, native, blas, compiler, flags, libs)
    with _memo_lock:
        if key in _memo:
            return _memo[key]
    directory = cache or cache_dir()
    so_path = os.path.join(directory, key + ".so")
    loaded = None
    if os.path.exists(so_path):
        try:
            loaded = _load(so_path)
            stats["disk_hits"] += 1
        except (OSError, ValueError, KeyError):
            loaded = None       # a damaged object: built again below
    if loaded is None:
        if program is None or program._wrt_arg != wrt or program._of != of:
            program = Program(text, wrt=wrt, of=of, name=name)
        c_text = program.c(prefix=PREFIX, colmajor=order == "F", blas=bool(blas))
        c_text += _wrapper(c_text, _metadata(program, order))
        so_path = _build(compiler, flags, libs, c_text, directory, key)
        loaded = _load(so_path)
    fn = _make_function(_Signature(*loaded), so_path, text)
    with _memo_lock:
        return _memo.setdefault(key, fn)

"""Finding and loading libnnderive, and the ctypes view of nnderive.h.

The package uses only the public interface (src/nnderive.h); this module is
the one place that knows its C declarations.  Keep the structures and the
enum below in step with the header (ORDER nd_format).
"""

import ctypes
import ctypes.util
import os

SONAME = "libnnderive.so.0"
PACKAGE_VERSION = "0.1.0"       # as python/pyproject.toml and the Makefile's VERSION


class Config(ctypes.Structure):
    """struct nd_config"""
    _fields_ = [
        ("of", ctypes.c_char_p),
        ("wrt", ctypes.POINTER(ctypes.c_char_p)),
        ("n_wrt", ctypes.c_int),
        ("seed", ctypes.c_ulong),
        ("points", ctypes.c_int),
        ("precision", ctypes.c_long),
    ]


class COptions(ctypes.Structure):
    """struct nd_c_options"""
    _fields_ = [
        ("name", ctypes.c_char_p),
        ("blas", ctypes.c_int),
        ("colmajor", ctypes.c_int),
        ("dims", ctypes.c_char_p),
    ]


class Position(ctypes.Structure):
    """struct nd_position"""
    _fields_ = [
        ("file", ctypes.c_char_p),
        ("line", ctypes.c_int),
        ("column", ctypes.c_int),
        ("message", ctypes.c_char_p),
    ]


# enum nd_format, in the header's order (ORDER nd_format)
(TEXT, LATEX, LATEX_DOC, STEPS, STEPS_LATEX, PATHS, PATHS_LATEX, DOT, DOT_STEPS,
 C, C_HEADER, EXPLAIN, JACOBIAN, HESSIAN, NUMPY) = range(15)

CHECK_JSON = 1
CHECK_EXPRESSION = 2


def _candidates():
    """Where the library may be, in the order tried: the environment variable
    (alone, when set), beside the package (make install links it there),
    the loader path (find_library, which may run ldconfig, only last)."""
    env = os.environ.get("NNDERIVE_LIBRARY")
    if env:
        yield env
        return
    here = os.path.dirname(os.path.abspath(__file__))
    for name in (SONAME, "libnnderive.so"):
        if os.path.exists(os.path.join(here, name)):
            yield os.path.join(here, name)
    yield SONAME
    found = ctypes.util.find_library("nnderive")
    if found and found != SONAME:
        yield found


def _load():
    errors = []
    for name in _candidates():
        try:
            return ctypes.CDLL(name), name
        except OSError as e:
            errors.append(str(e))
    env = os.environ.get("NNDERIVE_LIBRARY")
    where = ("NNDERIVE_LIBRARY=%s" % env) if env else (
        "beside the package, on the loader path (%s)" % SONAME)
    raise ImportError("nnderive: cannot load libnnderive (looked %s): %s. Build it with "
                      "`make` and set NNDERIVE_LIBRARY=build/libnnderive.so.0, or install it "
                      "with `make install`" % (where, "; ".join(errors) or "not found"))


def _declare(lib):
    """The prototypes of nnderive.h.  Strings the library allocates come back
    as c_void_p so that they can be given back to nd_free."""
    P = ctypes.c_void_p
    out = ctypes.POINTER(ctypes.c_void_p)
    protos = {
        "nd_open": (P, [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_size_t,
                        ctypes.POINTER(Config)]),
        "nd_status": (ctypes.c_int, [P]),
        "nd_diagnostics": (ctypes.c_char_p, [P]),
        "nd_first_error": (ctypes.c_int, [P, ctypes.POINTER(Position)]),
        "nd_emit": (ctypes.c_int, [P, ctypes.c_int, ctypes.POINTER(COptions), out]),
        "nd_verify": (ctypes.c_int, [P, out, ctypes.POINTER(ctypes.c_double)]),
        "nd_check_file": (ctypes.c_int, [P, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_size_t,
                                         ctypes.c_int, out]),
        "nd_close": (None, [P]),
        "nd_free": (None, [P]),
        "nd_version": (ctypes.c_char_p, []),
    }
    for name, (restype, argtypes) in protos.items():
        fn = getattr(lib, name)
        fn.restype = restype
        fn.argtypes = argtypes
    return lib


lib, path = _load()
_declare(lib)


def take_string(p):
    """A string the library allocated, decoded and freed."""
    if not p:
        return ""
    try:
        return ctypes.string_at(p).decode("utf-8", "replace")
    finally:
        lib.nd_free(p)


def version():
    return lib.nd_version().decode()

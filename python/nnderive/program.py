"""nnderive.Program: one program, its gradients in every output format, its
verification and the checking of answers, over a libnnderive session."""

import ctypes
import json
import os
import re
import threading
import warnings

from . import _lib
from ._lib import lib


class Error(Exception):
    """Bad input: the program, an option or an answer.

    ``str(error)`` is the library's message as the command prints it
    (``FILE:LINE:COL: error: MESSAGE``, the line, a caret, notes);
    ``file``, ``line`` and ``column`` locate the first error (``line`` and
    ``column`` are 0 when it has no position) and ``message`` is its text.
    """

    def __init__(self, diagnostics, file=None, line=0, column=0, message=None):
        self.diagnostics = diagnostics.rstrip("\n")
        self.file, self.line, self.column = file, line, column
        self.message = message if message is not None else self.diagnostics
        super().__init__(self.diagnostics)


class CompileError(Error):
    """The system C compiler failed on the generated code (``output`` holds
    its messages) or could not be run."""

    def __init__(self, message, output=""):
        self.output = output
        super().__init__(message + ("\n" + output.rstrip("\n") if output else ""))


class ShapeError(ValueError):
    """An argument of a compiled function has the wrong number of
    dimensions, or sizes that disagree with another argument's."""


class NnderiveWarning(UserWarning):
    """A warning of the library about the program (``norm2(...)^2``)."""


# FILE:LINE:COL: error: MESSAGE, or FILE: error: MESSAGE (no position)
_ERROR_LINE = re.compile(r"^(.*?):(\d+):(\d+): error: (.*)$|^(.*?): error: (.*)$", re.M)


def _error_from_text(text):
    m = _ERROR_LINE.search(text)
    if not m:
        return Error(text or "nnderive: error: the call failed")
    if m.group(1) is not None:
        return Error(text, m.group(1), int(m.group(2)), int(m.group(3)), m.group(4))
    return Error(text, m.group(5), 0, 0, m.group(6))


class Verification:
    """The result of Program.verify(): true when every gradient agrees with
    the MPFR central differences.  ``worst`` is the largest relative error,
    ``report`` the text the command prints."""

    def __init__(self, ok, worst, report):
        self.ok, self.worst, self.report = ok, worst, report

    def __bool__(self):
        return self.ok

    def __str__(self):
        return self.report

    def __repr__(self):
        return "<nnderive.Verification ok=%s worst=%.3g>" % (self.ok, self.worst)


class Place:
    """A place a diagnosis names: file, line, column, and the answer's text
    there when it is a place in the answer (else None)."""

    __slots__ = ("file", "line", "column", "text")

    def __init__(self, file, line, column, text=None):
        self.file, self.line, self.column, self.text = file, line, column, text

    def __eq__(self, other):
        return isinstance(other, Place) and self._key() == other._key()

    def _key(self):
        return (self.file, self.line, self.column, self.text)

    def __repr__(self):
        return "Place(%r, %d, %d%s)" % (self.file, self.line, self.column,
                                         ", %r" % self.text if self.text is not None else "")


class Verdict:
    """One checked answer: true when it is equivalent to the derived one.

    ``verdict`` is ``"equivalent"``, ``"not equivalent"`` or ``"right given
    earlier lines"``; for a wrong answer ``kind`` names the reason's class
    (``"transpose"``, ``"factor"``, ``"missing-use"``, ... as in
    docs/checking.md), ``reason`` says it in words, ``positions`` lists the
    places it names (Place objects) and ``fix`` is an answer the reason claims
    is right, or None.  ``name`` is the line's left side (``dL/dW``) and
    ``line`` its line in the answers."""

    def __init__(self, entry):
        self.name = entry.get("name")
        self.line = entry.get("line")
        self.verdict = entry["verdict"]
        self.kind = entry.get("kind")
        self.reason = entry.get("reason")
        self.positions = [Place(p.get("file"), p.get("line", 0), p.get("column", 0),
                                p.get("text")) for p in entry.get("positions", [])]
        self.fix = entry.get("fix")

    @property
    def equivalent(self):
        return self.verdict == "equivalent"

    def __bool__(self):
        return self.equivalent

    def __str__(self):
        if self.reason:
            return "%s: %s" % (self.verdict, self.reason)
        return self.verdict

    def __repr__(self):
        return "<nnderive.Verdict %s%s>" % (self.verdict, " (%s)" % self.kind if self.kind else "")


class Report:
    """Program.check_lines(): one Verdict per answer line (``lines``, also by
    iteration), ``correct``, ``total``, ``carried_forward`` (right given an
    earlier wrong line) and ``first_wrong`` (a line's name, or None)."""

    def __init__(self, data):
        self.lines = [Verdict(e) for e in data.get("lines", [])]
        self.correct = data.get("correct", 0)
        self.total = data.get("total", 0)
        self.carried_forward = data.get("carried_forward", 0)
        self.first_wrong = data.get("first_wrong")

    def __iter__(self):
        return iter(self.lines)

    def __len__(self):
        return len(self.lines)

    def __bool__(self):
        return self.correct == self.total

    def __repr__(self):
        return "<nnderive.Report %d of %d correct>" % (self.correct, self.total)


def read_source(source, name):
    """The program's text and its name in messages: a string is the program
    itself, a path-like object a file to read."""
    if isinstance(source, os.PathLike):
        path = os.fspath(source)
        with open(path, "rb") as f:
            text = f.read()
        return text.decode("utf-8", "surrogateescape"), name or path
    if isinstance(source, bytes):
        return source.decode("utf-8", "surrogateescape"), name or "<expr>"
    if not isinstance(source, str):
        raise TypeError("nnderive: a program is a str (its text) or a path, not %s"
                        % type(source).__name__)
    return source, name or "<expr>"


def _encode(s):
    return s.encode("utf-8", "surrogateescape")


def _wrt_list(wrt):
    if wrt is None:
        return None
    if isinstance(wrt, str):
        wrt = [w.strip() for w in wrt.split(",")]
    return [str(w) for w in wrt]


class _Session:
    """One nd_session, used under a lock (a session is not shared between
    threads by the library)."""

    def __init__(self, name, text, of, wrt, seed, points, precision):
        self.args = (name, text, of, wrt, seed, points, precision)
        self.lock = threading.Lock()
        self.handle = None
        self.diagnostics = ""
        self._open()

    def _open(self):
        name, text, of, wrt, seed, points, precision = self.args
        data = _encode(text)
        keep = [_encode(w) for w in wrt] if wrt is not None else None
        cfg = _lib.Config()
        cfg.of = _encode(of) if of else None
        if keep is not None:
            cfg.wrt = (ctypes.c_char_p * max(len(keep), 1))(*keep)
            cfg.n_wrt = len(keep)
        cfg.seed, cfg.points, cfg.precision = seed or 0, points or 0, precision or 0
        handle = lib.nd_open(_encode(name), data, len(data), ctypes.byref(cfg))
        if not handle:
            raise MemoryError("nnderive: out of memory opening the program")
        self.handle = handle
        self.diagnostics = self._diag()
        if lib.nd_status(handle) == 2:
            err = self._first_error()
            self.close()
            raise err

    def _first_error(self):
        """The error of a program that did not open, placed by nd_first_error."""
        pos = _lib.Position()
        if not lib.nd_first_error(self.handle, ctypes.byref(pos)):
            return _error_from_text(self.diagnostics)
        file = pos.file.decode("utf-8", "replace") if pos.file else None
        message = pos.message.decode("utf-8", "replace") if pos.message else None
        return Error(self.diagnostics, file, pos.line, pos.column, message)

    def _diag_bytes(self):
        return lib.nd_diagnostics(self.handle) or b""

    def _diag(self):
        return self._diag_bytes().decode("utf-8", "replace")

    def call(self, fn):
        """fn(handle) -> status; an error (status 2) raises Error with the
        messages of this call, and the session is opened afresh: the library
        keeps a failed session failed."""
        with self.lock:
            before = len(self._diag_bytes())
            status = fn(self.handle)
            if status == 2:
                msg = self._diag_bytes()[before:].decode("utf-8", "replace")
                self.close()
                self._open()
                raise _error_from_text(msg)
            return status

    def close(self):
        if self.handle:
            lib.nd_close(self.handle)
            self.handle = None

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass


class Variable:
    """A variable of the program as --explain shows it: ``name``, ``type``
    (``"scalar"``, ``"vector"``, ``"matrix"``, ``"symmetric"``, ``"spd"``,
    ``"simplex"``, ``"onehot"``), ``shape`` (a tuple of dimension names and
    numbers: ``()``, ``("n",)``, ``("m", "n")``) and ``inferred`` (typed by
    its first letter rather than declared)."""

    __slots__ = ("name", "type", "shape", "inferred")

    def __init__(self, name, type, shape, inferred):
        self.name, self.type, self.shape, self.inferred = name, type, shape, inferred

    def __repr__(self):
        dims = ", ".join(str(d) for d in self.shape)
        return "<nnderive.Variable %s : %s%s%s>" % (
            self.name, self.type, "(%s)" % dims if self.shape else "",
            " (inferred)" if self.inferred else "")


# NAME : TYPE or NAME : TYPE(D) or NAME : TYPE(D1, D2), then maybe a comment
_DECL = re.compile(r"^(\w+) : (\w+)(?:\((\w+)(?:, (\w+))?\))?(\s+#.*)?$")


def _dimension(d):
    return int(d) if d.isdigit() else d


def parse_explain(text):
    """The variables, the objective and wrt from the text of --explain."""
    variables, objective, wrt = {}, None, []
    for line in text.splitlines():
        if line.startswith("# objective: "):
            objective = line[len("# objective: "):].split(" ", 1)[0]
        elif line.startswith("# wrt:"):
            wrt = line[len("# wrt:"):].split()
        else:
            m = _DECL.match(line)
            if not m:
                continue
            name, kind, d1, d2, comment = m.groups()
            dims = [_dimension(d) for d in (d1, d2) if d is not None]
            if kind in ("symmetric", "spd"):
                dims = dims * 2
            variables[name] = Variable(name, kind, tuple(dims), bool(comment))
    return variables, objective, wrt


class Program:
    """A program of nnderive's language, parsed and typed.

    ``Program(source, wrt=None, of=None, name=None)``: ``source`` is the
    program's text (a ``str``) or a path (``pathlib.Path``) to read; ``wrt``
    the variables to differentiate with respect to (a list or ``"a,b"``;
    default: the program's ``wrt`` statement, else every variable the
    objective depends on), ``of`` the objective (default: the last
    assignment), ``name`` the source's name in messages (default ``<expr>``,
    as for ``nnderive -e``, or the path).  ``seed``, ``points`` and
    ``precision`` set the random instances of verify() and check(), as
    ``--seed``, ``--points`` and ``--precision`` do.

    A bad program raises nnderive.Error with its position and message.
    Every output method returns what the command prints in the matching mode.
    """

    def __init__(self, source, wrt=None, of=None, name=None, *, seed=None, points=None,
                 precision=None):
        self.source, self.name = read_source(source, name)
        self._of, self._wrt_arg = of, _wrt_list(wrt)
        self._extra = (seed, points, precision)
        self._session = _Session(self.name, self.source, of, self._wrt_arg, *self._extra)
        self._checkers = {}
        self.diagnostics = self._session.diagnostics
        if "warning:" in self.diagnostics:
            warnings.warn(self.diagnostics.rstrip("\n"), NnderiveWarning, stacklevel=2)
        self.variables, self.objective, self.wrt = parse_explain(self.explain())

    def _emit(self, fmt, copts=None):
        out = ctypes.c_void_p()
        ref = ctypes.byref(copts) if copts is not None else None
        try:
            self._session.call(lambda h: lib.nd_emit(h, fmt, ref, ctypes.byref(out)))
        finally:
            text = _lib.take_string(out)    # also after an error: the library allocated it
        return text

    def gradients(self):
        """The gradients in the input language: the bindings they use, then
        one ``dL/dW = EXPR`` line per variable (the default mode)."""
        return self._emit(_lib.TEXT)

    def latex(self, document=False):
        """The gradients as lines for an align* environment (--latex), or a
        whole document that pdflatex compiles (--latex-doc)."""
        return self._emit(_lib.LATEX_DOC if document else _lib.LATEX)

    def steps(self, latex=False):
        """The chain rule step by step (--steps)."""
        return self._emit(_lib.STEPS_LATEX if latex else _lib.STEPS)

    def paths(self, latex=False):
        """Each use of a variable and the contribution through it (--paths)."""
        return self._emit(_lib.PATHS_LATEX if latex else _lib.PATHS)

    def dot(self, steps=False):
        """The computational graph in Graphviz DOT; with steps, the backward
        graph too (--dot, --dot --steps)."""
        return self._emit(_lib.DOT_STEPS if steps else _lib.DOT)

    def explain(self):
        """The declarations in force, inferred ones included (--explain)."""
        return self._emit(_lib.EXPLAIN)

    def c(self, prefix=None, header=False, blas=False, colmajor=False, dims=None):
        """The C99 source (--c), or its prototypes with header=True
        (--header); ``prefix`` is --name, ``dims`` the sizes for the cost
        model (``"m=512,n=1024"`` or a dict)."""
        if isinstance(dims, dict):
            dims = ",".join("%s=%d" % kv for kv in dims.items())
        keep = [_encode(prefix) if prefix else None, _encode(dims) if dims else None]
        copts = _lib.COptions(keep[0], int(bool(blas)), int(bool(colmajor)), keep[1])
        return self._emit(_lib.C_HEADER if header else _lib.C, copts)

    def numpy(self, name=None, dims=None):
        """A Python module over NumPy that computes the objective and the
        gradients (--numpy), from the same evaluation plan as the C: one
        function ``name`` (--name; default as for c()) taking the variables
        in declaration order and returning ``(value, grad_1, ...)``.
        ``dims`` are the cost model's sizes, as for c()."""
        if isinstance(dims, dict):
            dims = ",".join("%s=%d" % kv for kv in dims.items())
        keep = [_encode(name) if name else None, _encode(dims) if dims else None]
        copts = _lib.COptions(keep[0], 0, 0, keep[1])
        return self._emit(_lib.NUMPY, copts)

    def numpy_function(self, name="f", dims=None):
        """The function of numpy() itself, loaded: the module's text run in a
        namespace of its own (numpy is imported then, not before)."""
        namespace = {"__name__": "nnderive_numpy_" + name}
        exec(compile(self.numpy(name, dims), "<nnderive --numpy>", "exec"), namespace)
        return namespace[name]

    def verify(self):
        """The gradients against high-precision central differences at random
        points (--verify): a Verification, true when they agree."""
        report, worst = ctypes.c_void_p(), ctypes.c_double()
        try:
            status = self._session.call(
                lambda h: lib.nd_verify(h, ctypes.byref(report), ctypes.byref(worst)))
        finally:
            text = _lib.take_string(report)
        return Verification(status == 0, worst.value, text)

    def _checker(self, wrt):
        """The session whose only variable is wrt (--check needs one)."""
        if wrt is None or [wrt] == self.wrt:
            return self._session
        if wrt not in self._checkers:
            self._checkers[wrt] = _Session(self.name, self.source, self._of, [wrt],
                                           *self._extra)
        return self._checkers[wrt]

    def _check(self, session, name, text, flags):
        data = _encode(text)
        out = ctypes.c_void_p()
        try:
            session.call(lambda h: lib.nd_check_file(h, _encode(name), data, len(data),
                                                      flags | _lib.CHECK_JSON, ctypes.byref(out)))
        finally:
            text = _lib.take_string(out)
        return json.loads(text)

    def check(self, answer, wrt=None):
        """Is ``answer`` (an expression in the input language, which may use
        the program's names) the gradient with respect to ``wrt`` (needed
        when the program has several variables)?  A Verdict: true when
        equivalent, else with the diagnosis (kind, reason, positions, fix).
        An answer that does not parse or type raises Error, placed in
        ``<check>``."""
        if wrt is None and len(self.wrt) != 1:
            raise Error("nnderive: error: check() compares the gradient w.r.t. one variable; "
                        "the program has %d (%s): pick one with wrt=..."
                        % (len(self.wrt), ", ".join(self.wrt)))
        data = self._check(self._checker(wrt), "<check>", answer, _lib.CHECK_EXPRESSION)
        return Verdict(data["lines"][0])

    def check_lines(self, text, name="<answers>"):
        """Each ``dL/dW = EXPR`` line of text checked as --check-file does
        (lines may give the adjoints of named intermediates and helpers):
        a Report."""
        return Report(self._check(self._session, name, text, 0))

    def compile(self, **options):
        """nnderive.compile(self, ...): the gradients as a compiled function."""
        from .compiled import compile as compile_
        return compile_(self, **options)

    def _repr_latex_(self):
        """Jupyter shows a program as its gradients, typeset."""
        try:
            body = self.latex()
        except Error:
            return None
        return "$$\\begin{aligned}\n%s\n\\end{aligned}$$" % body.rstrip("\n")

    def __repr__(self):
        return "<nnderive.Program %s: %s w.r.t. %s>" % (self.name, self.objective,
                                                          ", ".join(self.wrt) or "nothing")

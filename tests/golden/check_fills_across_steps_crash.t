# A found crash: these answer lines (a step's fills whose sizes earlier lines left open) made a product whose factors did not chain (the evaluator read past a matrix; later an internal error). The cause: an earlier line's first-pass vector(1), over a dimension taken back, was found again in a later line (see check_fills_across_steps.t). Now a verdict: all right.
args: -e "x, y : vector(n)\nM : matrix(m, n)\na : scalar\nt1 = y'\nL = sum((M*y)*y') + a" --check-file tests/golden/inputs/fill_steps_crash.txt
status: 0
--- stdout
dL/dM: equivalent
dL/dt1: equivalent
dL/dy: equivalent
3 of 3 correct
--- stderr

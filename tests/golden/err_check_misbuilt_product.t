# A found crash: these answer lines (a step's fills whose sizes earlier lines left open) made a product whose factors do not chain; the evaluator read past a matrix (SIGSEGV). Now it is refused, an internal error, exit 2, until the size inference across lines is fixed; then this becomes a verdict.
args: -e "x, y : vector(n)\nM : matrix(m, n)\na : scalar\nt1 = y'\nL = sum((M*y)*y') + a" --check-file tests/golden/inputs/fill_steps_crash.txt
status: 2
--- stdout
dL/dM: equivalent
dL/dt1: equivalent
--- stderr
nnderive: error: internal error: the operands of a '*' do not have the sizes it needs (please report); nothing was checked

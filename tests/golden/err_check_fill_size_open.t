# a fill whose size nothing in the answer fixes (the inner size of matrix(1)*matrix(1)) is an error at the fill: its value depends on a size nobody chose, and a verdict would be the evaluator's guess
args: -e "x, y : vector(n); M : matrix(m, n); a : scalar\nt1 = y'\nL = sum((M*y)*y') + a\nwrt M" --check "matrix(1)*matrix(1)*y*t1"
status: 2
--- stdout
--- stderr
<check>:1:1: error: the size of 'matrix(1)' is not clear: nothing in the answer fixes it; write its size in it, as in matrix(1, m, n) (m, n dimensions of the program or numbers)
    matrix(1)*matrix(1)*y*t1
    ^~~~~~~~~

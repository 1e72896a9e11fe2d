# a helper line's fill whose size its use (t'*t, a scalar) does not fix either: an error at the helper's fill, after the lines before it were checked
args: -e "x, y : vector(n); M : matrix(m, n); a : scalar\nt1 = y'\nL = sum((M*y)*y') + a" --check-file tests/golden/inputs/fill_size_open.txt
status: 2
--- stdout
dL/dM: equivalent
--- stderr
tests/golden/inputs/fill_size_open.txt:1:5: error: the size of 'vector(1)' is not clear: nothing in the answer fixes it; write its size in it, as in vector(1, n) (n a dimension of the program or a number)
    t = vector(1)
        ^~~~~~~~~

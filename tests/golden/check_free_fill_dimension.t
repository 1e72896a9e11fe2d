# a candidate answer with a size nothing fixes (the free dimension of vector(1) inside a sum)
# is evaluated, not read past the sizes drawn (it crashed)
args: -e "A : matrix(n, n)\na : scalar\nL = tr(A - a) + a\nwrt a" --check "1 - sum(diag(vector(1)))"
status: 1
--- stdout
not equivalent: term 2 of 2, `sum(diag(vector(1)))` at 1:5, is 2/n times what it should be; the other terms are right
--- stderr

# an answer with a size nothing fixes (the free dimension of vector(1) inside a sum): it once crashed the evaluator, then got a verdict from the size the evaluator drew ("2/n times what it should be"); its value depends on a size nobody chose, so it is an error at the fill that asks for the size
args: -e "A : matrix(n, n)\na : scalar\nL = tr(A - a) + a\nwrt a" --check "1 - sum(diag(vector(1)))"
status: 2
--- stdout
--- stderr
<check>:1:14: error: the size of 'vector(1)' is not clear: nothing in the answer fixes it; write its size in it, as in vector(1, n) (n a dimension of the program or a number)
    1 - sum(diag(vector(1)))
                 ^~~~~~~~~

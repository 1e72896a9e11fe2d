# The right term 2*(sigmoid(y')*x)*t1 was printed 2*t1 in the reason (the named t1 absorbed through its own inner product sigmoid(y')*x, then that factor dropped), so the reason read "`2*t1` should be `2*t1`". Seed 31060 of the read-back sweep, whose printed gradient had the same wrong 2*t1.
args: -e "x, y : vector(n)\nt1 = (sigmoid(y')*x)*x\nL = norm2(t1)" --wrt x --check "2*t1 + 2*(t1'*x)*sigmoid(y)"
status: 1
--- stdout
not equivalent: `2*t1` should be `2*(sigmoid(y')*x)*t1`: the gradient is the answer with that term replaced
--- stderr

# a wrong answer beyond double range: the relative difference comes from MPFR (was printed as 0)
args: -e "x : vector(n)\nL = 2^1100*sum(exp(x))" --check "2^1101*exp(x)"
status: 1
--- stdout
not equivalent: the answer is 2 times the gradient: it has an extra factor 2
--- stderr

# exp is defined everywhere: a value beyond MPFR's range overflows, it is not outside a domain
args: -e "x : vector(n)\nL = exp(exp(exp(exp(exp(exp(exp(exp(exp(exp(exp(exp(exp(exp(exp(exp(exp(exp(exp(exp(exp(exp(exp(exp(exp(exp(exp(exp(exp(exp(sum(x)))))))))))))))))))))))))))))))" --verify
status: 2
--- stdout
--- stderr
nnderive: error: the value of 'exp' overflows the evaluator's range (about 1e+323228496) at every random point tried; nothing was checked

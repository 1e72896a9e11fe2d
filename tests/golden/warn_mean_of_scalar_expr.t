# mean of a scalar that is not a sum: the warning says what it is
args: -e "x, y : vector(n)\nL = mean(x'*y)"
status: 0
--- stdout
dL/dx = y
dL/dy = x
--- stderr
<expr>:2:5: warning: mean of a scalar is that scalar: this is x'*y, divided by nothing; did you mean the mean of the entries?
    L = mean(x'*y)
        ^~~~

# mean of a scalar divides by nothing (NumPy's mean(sum(...))): a warning, the run goes on
args: -e "X : matrix(n, k)\nL = mean(sum(X.^2)) + mean(X)"
status: 0
--- stdout
dL/dX = 1/(n*k) + 2*X
--- stderr
<expr>:2:5: warning: mean of a scalar is that scalar: this is sum(X.^2), divided by nothing; did you mean mean(X.^2)?
    L = mean(sum(X.^2)) + mean(X)
        ^~~~

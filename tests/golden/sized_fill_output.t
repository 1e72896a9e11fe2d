# fills whose size their place leaves open say it, text and LaTeX (seed 14123: sum(t1) of t1 = diag(matrix(1/n^2)))
args: -e "x, y : vector(n)\nL = mean(diag(x - b)) + a"
status: 0
--- stdout
t1 = diag(matrix(1/n^2, n, n))
dL/dx = t1
dL/db = -sum(t1)
dL/da = 1
--- stderr

# an answer that says the size of a fill nothing else fixes (sum(t) with t = diag(matrix(c)))
args: -e "x, y : vector(n)\nL = mean(diag(x - b)) + a\nwrt b" --check "-sum(diag(matrix(1/n^2, n, n)))"
status: 0
--- stdout
equivalent
--- stderr

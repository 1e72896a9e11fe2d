# matrix(c, n): a sized matrix fill takes both its rows and its columns
args: -e "X : matrix(m, n); L = sum(X.*matrix(2, n))"
status: 2
--- stdout
--- stderr
<expr>:1:30: error: 'matrix' takes 1 argument (its size inferred) or 3 (the scalar and the rows and columns), got 2
    X : matrix(m, n); L = sum(X.*matrix(2, n))
                                 ^~~~~~

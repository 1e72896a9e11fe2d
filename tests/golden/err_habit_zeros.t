# zeros names matrix(0)
args: -e "L = sum(A + zeros(n, n))"
status: 2
--- stdout
--- stderr
<expr>:1:13: error: unknown function 'zeros': nnderive writes a matrix of zeros as matrix(0) (a vector: vector(0)), its size inferred, or matrix(0, m, n) (vector(0, n))
    L = sum(A + zeros(n, n))
                ^~~~~

# ones names matrix(1)
args: -e "L = sum(A*ones(n))"
status: 2
--- stdout
--- stderr
<expr>:1:11: error: unknown function 'ones': nnderive writes a matrix of ones as matrix(1) (a vector: vector(1)), its size inferred, or matrix(1, m, n) (vector(1, n))
    L = sum(A*ones(n))
              ^~~~

# vector(c, m, n): a vector has one size
args: -e "x : vector(n); L = x'*vector(1, n, n)"
status: 2
--- stdout
--- stderr
<expr>:1:23: error: 'vector' takes 1 argument (its size inferred) or 2 (the scalar and the length), got 3
    x : vector(n); L = x'*vector(1, n, n)
                          ^~~~~~

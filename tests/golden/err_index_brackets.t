# NumPy's x[1]: indexing is x(1), 1-based
args: -e "x : vector(3)\nL = sum(x[1])"
status: 2
--- stdout
--- stderr
<expr>:2:10: error: unexpected '[': nnderive indexes with parentheses, 1-based (x(1) is the first entry, X(:, 2) the second column)
    L = sum(x[1])
             ^

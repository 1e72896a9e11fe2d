# a variable called as a function: indexing is not supported
args: -e "x : vector(n)\nL = x(1)"
status: 2
--- stdout
--- stderr
<expr>:2:5: error: 'x' is a variable, not a function: indexing (x(i)) is not supported yet, and a product needs '*'
    L = x(1)
        ^

# indexing an undeclared name: declare it
args: -e "L = x(2)"
status: 2
--- stdout
--- stderr
<expr>:1:5: error: unknown function 'x' (to index a variable, declare it first: x : vector(5))
    L = x(2)
        ^

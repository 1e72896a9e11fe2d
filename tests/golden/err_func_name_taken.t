# a function named like a declared variable, and an assignment to a function name
args: -e "W : matrix(n, n)\nW(x) = sum(x)\nL = W(v)"
status: 2
--- stdout
--- stderr
<expr>:2:1: error: 'W' is already a variable
    W(x) = sum(x)
    ^
<expr>:1:1: note: 'W' is declared here
    W : matrix(n, n)
    ^

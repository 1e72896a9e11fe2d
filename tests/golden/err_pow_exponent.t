# a matrix power needs an integer exponent
args: -e "A : matrix(n, n)\nL = sum(A^0.5)"
status: 2
--- stdout
--- stderr
<expr>:2:11: error: a matrix power needs an integer exponent between -64 and 64 (use '.^' for an elementwise power)
    L = sum(A^0.5)
              ^~~

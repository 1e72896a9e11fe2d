# a symmetric matrix variable is refused: its entries are not independent
args: -e "S : symmetric(3); L = tr(S*S)" --hessian
status: 2
--- stdout
--- stderr
<expr>:1:1: error: 'S' is 3 x 3: --hessian differentiates with respect to a scalar, a column vector or a matrix of numeric size that is not declared symmetric (through vec: m*n is not a dimension)
    S : symmetric(3); L = tr(S*S)
    ^

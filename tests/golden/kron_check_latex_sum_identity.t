# --latex's Hessian through vec, I beside a kron in a sum, reads back
args: -e "A : matrix(3, 3)\nX : matrix(3, 2)\nL = tr(X'*A*X) + tr(X'*X)\nwrt X" --hessian --check-latex "I_{2} \\otimes \\left(A^\\top + A\\right) + 2 I"
status: 0
--- stdout
equivalent
--- stderr

# \otimes with nothing after it
args: -e "A : matrix(2, 3)\nX : matrix(3, 2)\nL = sum(kron(A, X))\nwrt X" --check-latex "A \\otimes"
status: 2
--- stdout
--- stderr
<check>:1:10: error: unexpected end of the row, expected an expression
    A \otimes
             ^

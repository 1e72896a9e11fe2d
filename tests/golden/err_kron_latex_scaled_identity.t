# a scaled identity beside \otimes has no implied size either
args: -e "A : matrix(3, 3)\nX : matrix(3, 2)\nL = tr(X'*A*X)\nwrt X" --hessian --check-latex "(2 I) \\otimes (A^\\top + A)/2"
status: 2
--- stdout
--- stderr
<check>:1:4: error: the size of this identity is not clear: write I_n with its dimension
    (2 I) \otimes (A^\top + A)/2
       ^

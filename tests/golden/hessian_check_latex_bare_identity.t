# a bare I in a LaTeX Hessian answer is the Hessian's size, not the program's only square one
args: -e "A : matrix(3, 3)\nx : vector(2)\nz : vector(3)\nL = 0.5*norm2(x) + z'*A*z\nwrt x" --hessian --check-latex I
status: 0
--- stdout
equivalent
--- stderr

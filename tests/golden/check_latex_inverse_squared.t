# an inverse is square whatever its sizes: ((2 I - b)^{-1})^{2} is a matrix power although I's size is not known where the power is read (it was read as .^2: read-back seed 111577, depth 4)
args: -e "b : scalar\nx : vector(n)\nL = norm2(inv(eye(n) + eye(n)*(eye(n) - b)')*x)\nwrt x" --check-latex "2 \\left(\\left(2 I - b\\right)^{-1}\\right)^{2} x"
status: 0
--- stdout
equivalent
--- stderr

# the same answer with the power elementwise is wrong, and says so
args: -e "b : scalar\nx : vector(n)\nL = norm2(inv(eye(n) + eye(n)*(eye(n) - b)')*x)\nwrt x" --check-latex "2 \\left(\\left(2 I - b\\right)^{-1}\\right)^{\\circ 2} x"
status: 1
--- stdout
not equivalent: `2*inv(2*eye(n) - b).^2*x` should be `2*inv(2*eye(n) - b)^2*x`: the gradient is the answer with that term replaced
--- stderr

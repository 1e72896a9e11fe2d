# blocks, stacks and their adjoints in text
args: -e "x : vector(6)\nA : matrix(4, 3)\nh : vector(3)\nd = x(2:end) - x(1:end-1)\nL = 0.5*norm2(d) + sum(A(2:3, :)) + h'*A(2, :)' + sum(exp([h; x(1)]))\nwrt x, A, h"
status: 0
--- stdout
d = x(2:6) - x(1:5)
t1 = exp([h; x(1)])
dL/dx = t1(4)*eye(6)(:, 1) + (eye(6)(:, 2:6) - eye(6)(:, 1:5))*d
dL/dA = eye(4)(:, 2)*h' + eye(4)(:, 2:3)*matrix(1)
dL/dh = A(2, :)' + t1(1:3)
--- stderr

# named scores: softmax(S, 2) prints as written
args: -e "Q, K : matrix(T, d)\nV, W : matrix(T, e)\nS = Q*K'/sqrt(d)\nA = softmax(S, 2)\nL = sum(W .* (A*V))\nwrt Q, K, V"
status: 0
--- stdout
S = Q*K'/sqrt(d)
A = softmax(S, 2)
t1 = A.*(W*V' - sum(A.*(W*V'), 2)*vector(1)')
dL/dQ = t1*K/sqrt(d)
dL/dK = t1'*Q/sqrt(d)
dL/dV = (W'*A)'
--- stderr

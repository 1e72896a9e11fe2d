# row-wise attention: softmax(Z, 2) is softmax(Z')'
args: -e "Q, K : matrix(T, d)\nV, W : matrix(T, e)\nA = softmax(Q*K'/sqrt(d), 2)\nL = sum(W .* (A*V))\nwrt Q, K, V"
status: 0
--- stdout
A = softmax(K*Q'/sqrt(d))'
t1 = A.*(W*V' - sum(A.*(W*V'), 2)*vector(1)')
dL/dQ = t1*K/sqrt(d)
dL/dK = t1'*Q/sqrt(d)
dL/dV = (W'*A)'
--- stderr

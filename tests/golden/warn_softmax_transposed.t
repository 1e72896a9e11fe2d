# softmax of a product ending in a transpose (Q*K') was likely meant row-wise: a warning;
# W'*H (examples as columns) is column-wise as intended and gets none
args: -e "Q, K : matrix(T, d)\nS : matrix(T, T)\nW : matrix(n, m)\nH : matrix(n, k)\nL = sum(softmax(Q*K'/sqrt(d)).*S) + sum(softmax(W'*H))" --wrt Q
status: 0
--- stdout
t1 = softmax(Q*K'/sqrt(d))
dL/dQ = (t1.*(S - vector(1)*sum(S.*t1, 1)))*K/sqrt(d)
--- stderr
<expr>:5:9: warning: softmax is column-wise: each column of Q*K'/sqrt(d) sums to one; if each row should (NumPy's axis=-1, as in attention), write softmax(Q*K'/sqrt(d), 2)
    L = sum(softmax(Q*K'/sqrt(d)).*S) + sum(softmax(W'*H))
            ^~~~~~~

# under the per-matrix limit, over the total for one instance
args: -e "X : matrix(1000, 1000)\nL = sum(X)" --verify
status: 2
--- stdout
--- stderr
<expr>:1:1: error: X is 1000 x 1000: a random instance would hold 6000002 matrix entries in all (values, temporaries and copies), too large to evaluate numerically (the limit is 4194304 entries in all at 256 bits)
    X : matrix(1000, 1000)
    ^

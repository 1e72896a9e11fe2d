# --colmajor: the plan reads each variable through its transpose (the storage is A' row-major),
# so A*x becomes a loop of rows of A' added up (mvt)
env: ND_DUMP_PLAN=1
args: -e "A : matrix(m, n)\nx : vector(n)\nL = norm(A*x) + mean(A)\nwrt A" --c --colmajor
status: 0
--- stdout
plan: 9 instructions in 9 groups, 6 scalars, 2 buffers in 1 slots
g0 scalar %s0 = m*n  needs {A}
g1 scalar %s1 = 1/%s0  needs {A}
g2 reduce %s2 = mean(A')  rows m  needs always
g3 mvt %b0 = A'*x'  rows n  needs always
g4 reduce %s3 = norm(%b0)  rows m  needs always
g5 scalar %s4 = %s2 + %s3  needs always
g6 scalar %s5 = 1/%s3  needs {A}
g7 mvt %b1 = x*A  rows n  needs {A}
g8 elem %grad_A = %s1 + %s5*(x'*%b1)  rows n  needs {A}
return %s4
%b0 m x 1 slot 0, groups 3..4
%b1 1 x m slot 0, groups 7..8
--- stderr

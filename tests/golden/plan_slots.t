# buffers whose lifetimes do not overlap share a workspace slot; h is used twice, so it is a buffer
env: ND_DUMP_PLAN=1
args: -e "A, B : matrix(n, n)\nx : vector(n)\nh = tanh(A*x)\ng = tanh(B*h)\nL = h'*h + sum(exp(g)) + sum(g)\nwrt A, B, x" --c
status: 0
--- stdout
plan: 16 instructions in 7 groups, 4 scalars, 10 buffers in 6 slots
g0 mv %r0 = A*x  rows n  needs always
g0 elem %b1 = tanh(%r0)  rows n  needs always
g1 mv %r2 = B*%b1  rows n  needs always
g1 elem %b3 = tanh(%r2)  rows n  needs always
g2 elem %b4 = %b1'  rows 1  needs always
g3 reduce %s0 = %b4*%b1  rows n  needs always
g3 elem %b5 = exp(%b3)  rows n  needs always
g3 reduce %s1 = sum(%b5)  rows n  needs always
g3 reduce %s2 = sum(%b3)  rows n  needs always
g4 scalar %s3 = %s2 + %s1 + %s0  needs always
g5 elem %b6 = (%b5 + 1).*(1 - %b3.^2)  rows n  needs {A, B, x}
g5 mvt %b7 = B'*%b6  rows n  needs {A, x}
g6 elem %r8 = (%b7 + 2*%b1).*(1 - %b1.^2)  rows n  needs {A, x}
g6 mvt %grad_x = A'*%r8  rows n  needs {x}
g6 elem %grad_A = %r8*x'  rows n  needs {A}
g6 elem %grad_B = %b6*%b4  rows n  needs {B}
return %s3
%r0 n x 1 row local
%b1 n x 1 slot 0, groups 0..6
%r2 n x 1 row local
%b3 n x 1 slot 1, groups 1..5
%b4 1 x n slot 2, groups 2..6
%b5 n x 1 slot 3, groups 3..5
%b6 n x 1 slot 4, groups 5..6
%b7 n x 1 slot 5, groups 5..6
%r8 n x 1 row local
%b9 n x 1 grad x, groups 6..6
--- stderr

# helper calls: inv and det each get a scratch buffer of their operand's shape; a gradient
# only one output needs is guarded by it
env: ND_DUMP_PLAN=1
args: -e "A : matrix(n, n)\nx : vector(n)\nL = x'*inv(A)*x + det(A)\nwrt A, x" --c
status: 0
--- stdout
plan: 9 instructions in 5 groups, 3 scalars, 6 buffers in 4 slots
g0 call %b0 = inv(A)  scratch %b1  needs always
g1 call %s0 = det(A)  scratch %b2  needs always
g2 mv %b3 = %b0*x  rows n  needs always
g2 mv %b4 = x'*%b0'  rows n  needs {A}
g2 mvt %b5 = %b0'*x  rows n  needs {A, x}
g2 reduce %s1 = x'*%b3  rows n  needs always
g3 scalar %s2 = %s0 + %s1  needs always
g4 elem %grad_A = %s0*%b0' - %b5*%b4  rows n  needs {A}
g4 elem %grad_x = %b3 + %b5  rows n  needs {x}
return %s2
%b0 n x n slot 0, groups 0..4
%b1 n x n slot 1, groups 0..0
%b2 n x n slot 1, groups 1..1
%b3 n x 1 slot 1, groups 2..4
%b4 1 x n slot 2, groups 2..4
%b5 n x 1 slot 3, groups 2..4
--- stderr

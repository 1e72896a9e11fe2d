# --c --hessian: the Hessian's plan, then NAME_hvp's (v_x a new input)
args: examples/hessian/logreg.nd --hessian --c
env: ND_DUMP_PLAN=1
status: 0
--- stdout
plan: 10 instructions in 8 groups, 5 scalars, 4 buffers in 3 slots
g0 mv %b0 = A*x  rows m  needs always
g0 elem %b1 = sigmoid(%b0)  rows m  needs {x}
g1 reduce %s0 = norm2(x)  rows n  needs always
g2 scalar %s1 = lam*%s0/2  needs always
g3 syrk %b2 = A'*diag(%b1 - %b1.^2)*A  needs {x}
g4 elem %r3 = softplus(-abs(%b0))  rows m  needs always
g4 reduce %s2 = sum(-y.*(relu(-%b0) + %r3) - (relu(%b0) + %r3).*(1 - y))  rows m  needs always
g5 scalar %s3 = -%s2  needs always
g6 scalar %s4 = %s1 + %s3  needs always
g7 elem %hess_x = lam*eye(n) + %b2  rows n  needs {x}
return %s4
%b0 m x 1 slot 0, groups 0..4
%b1 m x 1 slot 1, groups 0..3
%b2 n x n slot 2, groups 3..7
%r3 m x 1 row local
plan: 12 instructions in 8 groups, 5 scalars, 6 buffers in 2 slots
g0 mv %b0 = A*x  rows m  needs always
g0 elem %b1 = sigmoid(%b0)  rows m  needs {x}
g1 reduce %s0 = norm2(x)  rows n  needs always
g2 scalar %s1 = lam*%s0/2  needs always
g3 elem %r2 = softplus(-abs(%b0))  rows m  needs always
g3 reduce %s2 = sum(-y.*(relu(-%b0) + %r2) - (relu(%b0) + %r2).*(1 - y))  rows m  needs always
g4 scalar %s3 = -%s2  needs always
g5 scalar %s4 = %s1 + %s3  needs always
g6 mv %r3 = A*v_x  rows m  needs {x}
g6 elem %r4 = %b1.*%r3.*(1 - %b1)  rows m  needs {x}
g6 mvt %b5 = A'*%r4  rows m  needs {x}
g7 elem %hv_x = lam*v_x + %b5  rows n  needs {x}
return %s4
%b0 m x 1 slot 0, groups 0..3
%b1 m x 1 slot 1, groups 0..6
%r2 m x 1 row local
%r3 m x 1 row local
%r4 m x 1 row local
%b5 n x 1 slot 0, groups 6..7
--- stderr

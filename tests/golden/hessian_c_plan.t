# --c --hessian: the Hessian's plan, then NAME_hvp's (v_x a new input)
args: examples/hessian/logreg.nd --hessian --c
env: ND_DUMP_PLAN=1
status: 0
--- stdout
plan: 12 instructions in 9 groups, 5 scalars, 6 buffers in 3 slots
g0 mv %b0 = A*x  rows m  needs always
g1 reduce %s0 = norm2(x)  rows n  needs always
g2 scalar %s1 = lam*%s0/2  needs always
g3 elem %b1 = exp(-abs(%b0))  rows m  needs always
g3 elem %r2 = log1p(%b1)  rows m  needs always
g3 reduce %s2 = sum(-y.*(relu(-%b0) + %r2) - (relu(%b0) + %r2).*(1 - y))  rows m  needs always
g4 scalar %s3 = -%s2  needs always
g5 scalar %s4 = %s1 + %s3  needs always
g6 elem %r3 = step(%b0)  rows m  needs {x}
g6 elem %b4 = (%r3 + %b1.*(1 - %r3))./(1 + %b1)  rows m  needs {x}
g7 syrk %b5 = A'*diag(%b4 - %b4.^2)*A  needs {x}
g8 elem %hess_x = lam*eye(n) + %b5  rows n  needs {x}
return %s4
%b0 m x 1 slot 0, groups 0..6
%b1 m x 1 slot 1, groups 3..6
%r2 m x 1 row local
%r3 m x 1 row local
%b4 m x 1 slot 2, groups 6..7
%b5 n x n slot 0, groups 7..8
plan: 14 instructions in 8 groups, 5 scalars, 8 buffers in 3 slots
g0 mv %b0 = A*x  rows m  needs always
g1 reduce %s0 = norm2(x)  rows n  needs always
g2 scalar %s1 = lam*%s0/2  needs always
g3 elem %b1 = exp(-abs(%b0))  rows m  needs always
g3 elem %r2 = log1p(%b1)  rows m  needs always
g3 reduce %s2 = sum(-y.*(relu(-%b0) + %r2) - (relu(%b0) + %r2).*(1 - y))  rows m  needs always
g4 scalar %s3 = -%s2  needs always
g5 scalar %s4 = %s1 + %s3  needs always
g6 elem %r3 = step(%b0)  rows m  needs {x}
g6 elem %r4 = (%r3 + %b1.*(1 - %r3))./(1 + %b1)  rows m  needs {x}
g6 mv %r5 = A*v_x  rows m  needs {x}
g6 elem %r6 = %r4.*%r5.*(1 - %r4)  rows m  needs {x}
g6 mvt %b7 = A'*%r6  rows m  needs {x}
g7 elem %hv_x = lam*v_x + %b7  rows n  needs {x}
return %s4
%b0 m x 1 slot 0, groups 0..6
%b1 m x 1 slot 1, groups 3..6
%r2 m x 1 row local
%r3 m x 1 row local
%r4 m x 1 row local
%r5 m x 1 row local
%r6 m x 1 row local
%b7 n x 1 slot 2, groups 6..7
--- stderr

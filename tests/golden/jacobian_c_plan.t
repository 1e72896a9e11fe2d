# --c --jacobian: diag(1 - h.^2)*W is W with its rows scaled, in one fused loop (no m x m diag)
args: examples/hessian/tanh_layer.nd --jacobian --c
env: ND_DUMP_PLAN=1
status: 0
--- stdout
plan: 3 instructions in 1 groups, 0 scalars, 2 buffers in 0 slots
g0 mv %r0 = W*x  rows m  needs {x}
g0 elem %r1 = 1 - tanh(%r0 + b).^2  rows m  needs {x}
g0 elem %jac_x = %r1.*W  rows m  needs {x}
return 0
%r0 m x 1 row local
%r1 m x 1 row local
--- stderr

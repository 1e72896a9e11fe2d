# the plan of the seed's network (ND_DUMP_PLAN=1 with --c): z1 = W1*x + b1 and swish fused
# into one row loop over H, the gradient of W1 an outer product written straight into grad_W1
env: ND_DUMP_PLAN=1
args: examples/two_layer_swish.nd --c
status: 0
--- stdout
plan: 15 instructions in 7 groups, 1 scalars, 10 buffers in 6 slots
g0 mv %r0 = W1*x  rows H  needs always
g0 elem %b1 = %r0 + b1  rows H  needs always
g0 elem %b2 = sigmoid(%b1)  rows H  needs always
g0 elem %b3 = %b1.*%b2  rows H  needs always
g1 mv %r4 = W2*%b3  rows C  needs always
g1 elem %b5 = %r4 + b2  rows C  needs always
g2 call %s0 = crossentropy(%b5, y)  needs always
g3 call %b6 = softmax(%b5)  needs {W1, b1, W2, b2}
g4 elem %b7 = %b6 - y  rows C  needs {W1, b1, W2, b2}
g4 mvt %b8 = W2'*%b7  rows C  needs {W1, b1}
g5 elem %r9 = %b8.*(%b2 + %b1.*%b2.*(1 - %b2))  rows H  needs {W1, b1}
g5 elem %grad_W1 = %r9*x'  rows H  needs {W1}
g5 elem %grad_b1 = %r9  rows H  needs {b1}
g6 elem %grad_W2 = %b7*%b3'  rows C  needs {W2}
g6 elem %grad_b2 = %b7  rows C  needs {b2}
return %s0
%r0 H x 1 row local
%b1 H x 1 slot 0, groups 0..5
%b2 H x 1 slot 1, groups 0..5
%b3 H x 1 slot 2, groups 0..6
%r4 C x 1 row local
%b5 C x 1 slot 3, groups 1..3
%b6 C x 1 slot 4, groups 3..4
%b7 C x 1 slot 3, groups 4..6
%b8 H x 1 slot 5, groups 4..5
%r9 H x 1 row local
--- stderr

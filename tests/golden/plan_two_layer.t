# the plan of the seed's network (ND_DUMP_PLAN=1 with --c): z1 = W1*x + b1 and swish fused
# into one row loop over H, the gradient of W1 an outer product written straight into grad_W1
env: ND_DUMP_PLAN=1
args: examples/two_layer_swish.nd --c
status: 0
--- stdout
plan: 15 instructions in 7 groups, 1 scalars, 10 buffers in 5 slots
g0 mv %r0 = W1*x  rows H  needs always
g0 elem %b1 = %r0 + b1  rows H  needs always
g0 elem %b2 = swish(%b1)  rows H  needs always
g1 mv %r3 = W2*%b2  rows C  needs always
g1 elem %b4 = %r3 + b2  rows C  needs always
g2 call %s0 = crossentropy(%b4, y)  needs always
g3 call %b5 = softmax(%b4)  needs {W1, b1, W2, b2}
g4 elem %b6 = %b5 - y  rows C  needs {W1, b1, W2, b2}
g4 mvt %b7 = W2'*%b6  rows C  needs {W1, b1}
g5 elem %r8 = sigmoid(%b1)  rows H  needs {W1, b1}
g5 elem %r9 = %b7.*(%r8 + %b1.*%r8.*(1 - %r8))  rows H  needs {W1, b1}
g5 elem %grad_W1 = %r9*x'  rows H  needs {W1}
g5 elem %grad_b1 = %r9  rows H  needs {b1}
g6 elem %grad_W2 = %b6*%b2'  rows C  needs {W2}
g6 elem %grad_b2 = %b6  rows C  needs {b2}
return %s0
%r0 H x 1 row local
%b1 H x 1 slot 0, groups 0..5
%b2 H x 1 slot 1, groups 0..6
%r3 C x 1 row local
%b4 C x 1 slot 2, groups 1..3
%b5 C x 1 slot 3, groups 3..4
%b6 C x 1 slot 2, groups 4..6
%b7 H x 1 slot 4, groups 4..5
%r8 H x 1 row local
%r9 H x 1 row local
--- stderr

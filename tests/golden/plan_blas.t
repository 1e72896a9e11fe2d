# with --blas the products are dgemv calls, each an instruction of its own: no fusion across them
env: ND_DUMP_PLAN=1
args: examples/two_layer_swish.nd --c --blas
status: 0
--- stdout
plan: 15 instructions in 15 groups, 1 scalars, 10 buffers in 6 slots
g0 mv %b0 = W1*x  rows H  needs always
g1 elem %b1 = %b0 + b1  rows H  needs always
g2 elem %b2 = swish(%b1)  rows H  needs always
g3 mv %b3 = W2*%b2  rows C  needs always
g4 elem %b4 = %b3 + b2  rows C  needs always
g5 call %s0 = crossentropy(%b4, y)  needs always
g6 call %b5 = softmax(%b4)  needs {W1, b1, W2, b2}
g7 elem %b6 = %b5 - y  rows C  needs {W1, b1, W2, b2}
g8 mvt %b7 = W2'*%b6  rows C  needs {W1, b1}
g9 elem %b8 = sigmoid(%b1)  rows H  needs {W1, b1}
g10 elem %b9 = %b7.*(%b8 + %b1.*%b8.*(1 - %b8))  rows H  needs {W1, b1}
g11 elem %grad_W1 = %b9*x'  rows H  needs {W1}
g12 elem %grad_b1 = %b9  rows H  needs {b1}
g13 elem %grad_W2 = %b6*%b2'  rows C  needs {W2}
g14 elem %grad_b2 = %b6  rows C  needs {b2}
return %s0
%b0 H x 1 slot 0, groups 0..1
%b1 H x 1 slot 1, groups 1..10
%b2 H x 1 slot 0, groups 2..13
%b3 C x 1 slot 2, groups 3..4
%b4 C x 1 slot 3, groups 4..6
%b5 C x 1 slot 2, groups 6..7
%b6 C x 1 slot 3, groups 7..14
%b7 H x 1 slot 2, groups 8..10
%b8 H x 1 slot 4, groups 9..10
%b9 H x 1 slot 5, groups 10..12
--- stderr

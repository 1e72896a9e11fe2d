# with --blas the products are dgemv calls, each an instruction of its own: no fusion across them
env: ND_DUMP_PLAN=1
args: examples/two_layer_swish.nd --c --blas
status: 0
--- stdout
plan: 15 instructions in 15 groups, 1 scalars, 10 buffers in 6 slots
g0 mv %b0 = W1*x  rows H  needs always
g1 elem %b1 = %b0 + b1  rows H  needs always
g2 elem %b2 = sigmoid(%b1)  rows H  needs always
g3 elem %b3 = %b1.*%b2  rows H  needs always
g4 mv %b4 = W2*%b3  rows C  needs always
g5 elem %b5 = %b4 + b2  rows C  needs always
g6 call %s0 = crossentropy(%b5, y)  needs always
g7 call %b6 = softmax(%b5)  needs {W1, b1, W2, b2}
g8 elem %b7 = %b6 - y  rows C  needs {W1, b1, W2, b2}
g9 mvt %b8 = W2'*%b7  rows C  needs {W1, b1}
g10 elem %b9 = %b8.*(%b2 + %b1.*%b2.*(1 - %b2))  rows H  needs {W1, b1}
g11 elem %grad_W1 = %b9*x'  rows H  needs {W1}
g12 elem %grad_b1 = %b9  rows H  needs {b1}
g13 elem %grad_W2 = %b7*%b3'  rows C  needs {W2}
g14 elem %grad_b2 = %b7  rows C  needs {b2}
return %s0
%b0 H x 1 slot 0, groups 0..1
%b1 H x 1 slot 1, groups 1..10
%b2 H x 1 slot 0, groups 2..10
%b3 H x 1 slot 2, groups 3..13
%b4 C x 1 slot 3, groups 4..5
%b5 C x 1 slot 4, groups 5..7
%b6 C x 1 slot 3, groups 7..8
%b7 C x 1 slot 4, groups 8..14
%b8 H x 1 slot 3, groups 9..10
%b9 H x 1 slot 5, groups 10..12
--- stderr

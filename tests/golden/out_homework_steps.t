# one wrong step: later lines right given it
args: examples/two_layer_swish.nd --check-file examples/homework/two_layer_steps.txt
status: 1
--- stdout
dL/dz2: equivalent
dL/dW2: equivalent
dL/db2: equivalent
dL/dh1: not equivalent: shape mismatch in '*' at 6:12: W2 is C x H, dL/dz2 is C x 1 (inner dimensions H and C differ); did you mean `W2'` in place of `W2` at 6:10? With it the answer is right
dL/dz1: right given your dL/dh1, which is wrong
dL/dW1: right given your dL/dz1, which is wrong
dL/db1: right given your dL/dz1, which is wrong
3 of 7 correct (3 more right given an earlier wrong line); the first wrong line is dL/dh1 (line 6)
--- stderr

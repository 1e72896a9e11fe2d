# one path only: the missing use is named
args: examples/autoencoder.nd --check-file examples/homework/autoencoder_one_path.txt
status: 1
--- stdout
dL/dW: not equivalent: missing the contribution through `W'` at 5:5: W is used twice and the answer follows only `W` at 5:8
0 of 1 correct; the first wrong line is dL/dW (line 3)
--- stderr

# an RNN written with a function: a wrong answer follows only the last call of the cell
args: examples/rnn3.nd --wrt b --check "(h3 - y).*(1 - h3.^2)"
status: 1
--- stdout
not equivalent: missing the contributions through `b` at 8:6 and `b` at 9:6: b is used three times and the answer follows only `b` at 10:6
--- stderr

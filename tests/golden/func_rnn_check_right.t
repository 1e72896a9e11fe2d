# an RNN written with a function: a right answer, with a call of the program's function in it
args: examples/rnn3.nd --wrt b --check "(1 - h1.^2).*(W'*((1 - h2.^2).*(W'*((cell(h2, x3) - y).*(1 - h3.^2))))) + (1 - h2.^2).*(W'*((h3 - y).*(1 - h3.^2))) + (h3 - y).*(1 - h3.^2)"
status: 0
--- stdout
equivalent
--- stderr

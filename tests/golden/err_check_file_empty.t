# an empty answer file checks nothing: an error
args: examples/autoencoder.nd --check-file tests/golden/inputs/empty_answers.txt
status: 2
--- stdout
--- stderr
tests/golden/inputs/empty_answers.txt:1:1: error: no answer to check: expected lines such as dL/dW = EXPR
    
    ^

# a file of comments checks nothing
args: examples/autoencoder.nd --check-file tests/golden/inputs/comment_answers.txt
status: 2
--- stdout
--- stderr
tests/golden/inputs/comment_answers.txt:1:1: error: no answer to check: expected lines such as dL/dW = EXPR
    # only a comment
    ^

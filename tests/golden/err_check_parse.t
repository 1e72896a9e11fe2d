# an answer that does not parse exits 2
args: examples/autoencoder.nd --check "W*(x"
status: 2
--- stdout
--- stderr
<check>:1:5: error: unexpected end of input
    W*(x
        ^
<check>:1:3: note: this '(' is not closed
    W*(x
      ^

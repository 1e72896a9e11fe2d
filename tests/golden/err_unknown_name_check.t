# an answer may only use the program's names
args: examples/autoencoder.nd --check "W*q"
status: 2
--- stdout
--- stderr
<check>:1:3: error: unknown name 'q'
    W*q
      ^

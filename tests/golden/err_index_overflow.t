# index arithmetic that would overflow a long (32 bits in WebAssembly) is out of range
args: -e "x : vector(5)\nL = x(2000000000*2000000000)"
status: 2
--- stdout
--- stderr
<expr>:2:7: error: the index '2000000000*2000000000' is out of range
    L = x(2000000000*2000000000)
          ^~~~~~~~~~~~~~~~~~~~~

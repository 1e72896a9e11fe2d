# trace names tr
args: -e "L = trace(A)"
status: 2
--- stdout
--- stderr
<expr>:1:5: error: unknown function 'trace': nnderive writes the trace as tr(A)
    L = trace(A)
        ^~~~~

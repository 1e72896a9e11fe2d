# unvec's rows divide the length
args: -e "w : vector(6); L = sum(unvec(w, 4))"
status: 2
--- stdout
--- stderr
<expr>:1:24: error: 'unvec' needs a column of numeric length that 4 divides: w is 6 x 1
    w : vector(6); L = sum(unvec(w, 4))
                           ^~~~~~~~~~~
<expr>: note: declarations in force: w : vector(6)

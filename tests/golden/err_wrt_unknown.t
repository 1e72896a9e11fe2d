# a wrt name the program does not have
args: -e "L = sum(x)\nwrt q"
status: 2
--- stdout
--- stderr
<expr>:2:5: error: wrt q: the program has no variable 'q'
    wrt q
        ^

# a name used before its assignment
args: -e "L = sum(r)\nr = 2*x"
status: 2
--- stdout
--- stderr
<expr>:1:9: error: 'r' is used before it is assigned
    L = sum(r)
            ^
<expr>:2:1: note: 'r' is assigned here
    r = 2*x
    ^

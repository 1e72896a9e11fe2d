# a wrt name that is an assigned name
args: -e "r = 2*x\nL = sum(r)\nwrt r"
status: 2
--- stdout
--- stderr
<expr>:3:5: error: wrt r: 'r' is not a variable
    wrt r
        ^
<expr>:1:1: note: 'r' is assigned here
    r = 2*x
    ^

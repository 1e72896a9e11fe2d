# max takes one or two arguments
args: -e "L = max(x, y, z)"
status: 2
--- stdout
--- stderr
<expr>:1:5: error: 'max' takes 2 arguments, got 3
    L = max(x, y, z)
        ^~~

# a function called before its definition
args: -e "L = g(x)\ng(x) = sum(x)"
status: 2
--- stdout
--- stderr
<expr>:1:5: error: 'g' is called before its definition
    L = g(x)
        ^
<expr>:2:1: note: 'g' is defined here
    g(x) = sum(x)
    ^~~~~~~~~~~~~

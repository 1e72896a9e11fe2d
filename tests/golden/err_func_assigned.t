# a name assigned after it is defined as a function
args: -e "g(x) = sum(x)\ng = 3\nL = g"
status: 2
--- stdout
--- stderr
<expr>:2:1: error: 'g' is a function and cannot be assigned
    g = 3
    ^
<expr>:1:1: note: 'g' is defined here
    g(x) = sum(x)
    ^~~~~~~~~~~~~

# an expression on its own before other statements
args: -e "sum(x)\nL = 2"
status: 2
--- stdout
--- stderr
<expr>:1:1: error: an expression on its own must be the last statement (assign it to a name to use it)
    sum(x)
    ^~~~~~

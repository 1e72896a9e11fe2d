# the input ends inside an expression
args: -e "L = x +"
status: 2
--- stdout
--- stderr
<expr>:1:8: error: unexpected end of input, expected number, name, '+', '-', '(' or '['
    L = x +
           ^

# a token where an operand belongs
args: -e "L = x + * y"
status: 2
--- stdout
--- stderr
<expr>:1:9: error: unexpected '*', expected number, name, '+', '-', '(' or '['
    L = x + * y
            ^

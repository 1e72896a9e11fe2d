# an empty part in a bracket is a syntax error
args: -e "x : vector(3)\nL = sum([x; ])"
status: 2
--- stdout
--- stderr
<expr>:2:13: error: unexpected ']', expected number, name, '+', '-', '(' or '['
    L = sum([x; ])
                ^

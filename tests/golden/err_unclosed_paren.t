# an unclosed parenthesis: the note points at it
args: -e "L = (x'*x\nwrt x"
status: 2
--- stdout
--- stderr
<expr>:1:10: error: unexpected end of line
    L = (x'*x
             ^
<expr>:1:5: note: this '(' is not closed
    L = (x'*x
        ^

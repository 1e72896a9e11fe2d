# a character outside the language is named as a character (with its code
# point), not as its first byte, and the caret is under it
args: -e "x : vector(n)\nL = sum(x) − 1"
status: 2
--- stdout
--- stderr
<expr>:2:12: error: invalid character '−' (U+2212)
    L = sum(x) − 1
               ^

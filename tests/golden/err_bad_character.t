# a character outside the language
args: -e "L = x $ y"
status: 2
--- stdout
--- stderr
<expr>:1:7: error: invalid character '$'
    L = x $ y
          ^

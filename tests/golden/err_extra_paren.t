# a closing parenthesis too many
args: -e "L = x'*x)"
status: 2
--- stdout
--- stderr
<expr>:1:9: error: unexpected ')', expected end of line or ';'
    L = x'*x)
            ^

# an objective without variables
args: -e "L = 3"
status: 2
--- stdout
--- stderr
<expr>:1:1: error: the objective 'L' depends on no variable: there is nothing to differentiate
    L = 3
    ^

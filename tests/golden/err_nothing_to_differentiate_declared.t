# an objective that uses none of the variables
args: -e "x : vector(n)\nL = tr(eye(n))"
status: 2
--- stdout
--- stderr
<expr>:2:1: error: the objective 'L' depends on no variable: there is nothing to differentiate
    L = tr(eye(n))
    ^

# v'*A'*v0*v*A is not a scalar once v*A makes A a row
args: -e "L = v'*A'*v0*v*A*6*o"
status: 2
--- stdout
--- stderr
<expr>:1:1: error: the objective 'L' is v_rows x 1, not a scalar: a gradient needs a scalar objective (--jacobian differentiates a vector)
    L = v'*A'*v0*v*A*6*o
    ^

# a matrix objective needs vec
args: -e "x : vector(n); w : vector(m); F = x*w'" --jacobian --wrt x
status: 2
--- stdout
--- stderr
<expr>:1:31: error: the objective 'F' is n x m, a matrix: --jacobian needs a vector or a scalar (a matrix through vec is not supported yet)
    x : vector(n); w : vector(m); F = x*w'
                                  ^

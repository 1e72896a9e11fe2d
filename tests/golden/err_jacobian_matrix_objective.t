# a matrix objective of symbolic size: vec needs numeric sizes
args: -e "x : vector(n); w : vector(m); F = x*w'" --jacobian --wrt x
status: 2
--- stdout
--- stderr
<expr>:1:31: error: the objective 'F' is n x m, a matrix of symbolic size: --jacobian takes a matrix through vec, whose sizes are numbers (m*n is not a dimension)
    x : vector(n); w : vector(m); F = x*w'
                                  ^

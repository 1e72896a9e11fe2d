# diag(v) as a matrix-valued function: no vec rule, an error
args: -e "z : vector(3); F = diag(z)" --jacobian
status: 2
--- stdout
--- stderr
nnderive: error: the Jacobian of 'diag' of a matrix (through vec) is not supported yet

# diag(v) as a matrix through vec is a sum of n terms: more than 64 is refused
args: -e "z : vector(65); F = diag(z)" --jacobian
status: 2
--- stdout
--- stderr
nnderive: error: the Jacobian of 'diag' (of a vector to a matrix of more than 64 rows) is not supported yet

# a commutation matrix of more than 64 columns is refused
args: -e "X : matrix(2, 65); F = X'" --jacobian
status: 2
--- stdout
--- stderr
nnderive: error: the Jacobian of ''' (a commutation matrix of more than 64 columns) is not supported yet

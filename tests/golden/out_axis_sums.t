# sums along an axis: sum(X, 1) is a row, sum(X, 2) a column
args: -e "X : matrix(m, n)\nu : vector(m)\nv : vector(n)\nL = sum(X, 1)*v + u'*sum(X, 2) + sum(norm2(X, 1)) + sum(norm(X, 2))\nwrt X"
status: 0
--- stdout
dL/dX = v' + 2*(X.*((1./sqrt(sum(X.^2, 2))*vector(1)')/2 + 1)) + u
--- stderr

# a mask: M.*M is M, the default wrt leaves the mask out, --explain shows its type
args: -e "M : mask(m, n)\nD : mask(m)\nX : matrix(m, n)\nL = sum(M.*M.*exp(X)) + sum(D.*D)" --explain
status: 0
--- stdout
M : mask(m, n)
D : mask(m)
X : matrix(m, n)
# objective: L (scalar)
# wrt: X
--- stderr

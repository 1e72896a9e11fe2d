# --steps --hessian: a named intermediate gets its step, du/dx, used by name
args: -e "A : matrix(m, n)\nx : vector(n)\nu = exp(A*x)\nf = sum(u)" --hessian --steps
status: 0
--- stdout
u = exp(A*x)
df/du = vector(1)
df/dx = A'*(u.*df/du)
df/dx = A'*u
du/dx = diag(u)*A
d2f/dx2 = A'*du/dx
d2f/dx2 = A'*diag(u)*A
--- stderr

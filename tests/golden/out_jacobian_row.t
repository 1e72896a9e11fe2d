# a row objective: J[i,j] = df_i/dx_j all the same
args: -e "A : matrix(n, m); x : vector(n); f = x'*A" --jacobian
status: 0
--- stdout
df/dx = A'
--- stderr

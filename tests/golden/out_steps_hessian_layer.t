# --steps --hessian through named layers: the chain rule's steps, the gradient written out, the Jacobians of the layers
args: -e "W1 : matrix(h, n)\nx : vector(n)\nz1 = W1*x\nh1 = tanh(z1)\nf = 0.5*norm2(h1)\nwrt x" --hessian --steps
status: 0
--- stdout
z1 = W1*x
h1 = tanh(z1)
df/dh1 = h1
df/dz1 = df/dh1.*(1 - h1.^2)
df/dx = W1'*df/dz1
df/dx = W1'*(h1 - h1.^3)
dz1/dx = W1
dh1/dx = diag(1 - h1.^2)*dz1/dx
d2f/dx2 = W1'*(dh1/dx - diag(3*h1.^2)*dh1/dx)
d2f/dx2 = W1'*diag(3*h1.^4 + 1 - 4*h1.^2)*W1
--- stderr

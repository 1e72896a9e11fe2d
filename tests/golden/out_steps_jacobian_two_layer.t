# --steps --jacobian: each named layer's Jacobian with the one before by name, then the Jacobian written out
args: -e "W1 : matrix(h, n)\nW2 : matrix(m, h)\nx : vector(n)\nz1 = W1*x\nh1 = tanh(z1)\nz2 = W2*h1\nf = softmax(z2)\nwrt x" --jacobian --steps
status: 0
--- stdout
z1 = W1*x
h1 = tanh(z1)
z2 = W2*h1
f = softmax(z2)
dz1/dx = W1
t1 = diag(1 - h1.^2)
dh1/dx = t1*dz1/dx
dz2/dx = W2*dh1/dx
t2 = diag(f) - f*f'
df/dx = t2*dz2/dx
df/dx = t2*W2*t1*W1
--- stderr

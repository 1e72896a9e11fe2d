# --steps --jacobian of softmax(z)
args: examples/hessian/softmax.nd --jacobian --steps
status: 0
--- stdout
s = softmax(z)
ds/dz = diag(s) - s*s'
--- stderr

# the Jacobian of softmax
args: examples/hessian/softmax.nd --jacobian
status: 0
--- stdout
s = softmax(z)
ds/dz = diag(s) - s*s'
--- stderr

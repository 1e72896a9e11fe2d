# norm of an argument that is zero everywhere is not differentiable at any point: --verify says so (README Limits) instead of a verdict.
args: -e "b : scalar\nu : vector(m)\nL = norm((b - b)*u) + b" --verify
status: 2
--- stdout
--- stderr
nnderive: error: could not find a random point where 'norm' is defined (tried scaled and positive values); check its argument's domain

# batch norm over a batch of columns, with mean(X, 2)
args: -e "X : matrix(n, N)\ng, b : vector(n)\nmu = mean(X, 2)\nC = X - mu\nv = mean(C.^2, 2)\nY = g .* C ./ sqrt(v + 1e-5) + b\nL = sum(tanh(Y))\nwrt X, g, b"
status: 0
--- stdout
mu = sum(X, 2)/N
C = X - mu*vector(1)'
v = sum(C.^2, 2)/N
Y = C.*g./sqrt(v + 1e-5) + b
t1 = 1 - tanh(Y).^2
t2 = sqrt(v + 1e-5)
t3 = C.*(-(sum(C.*g.*t1, 2)./t2.^3)/(2*N))
dL/dX = (-2*t3 - g.*t1./t2)*matrix(1)/N + 2*t3 + g.*t1./t2
dL/dg = sum(C.*t1./t2, 2)
dL/db = sum(t1, 2)
--- stderr

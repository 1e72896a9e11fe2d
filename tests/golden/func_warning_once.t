# a warning inside a function body is given once, not at every call
args: -e "f(r) = norm2(r)^2\nL = f(x) + f(y)"
status: 0
--- stdout
dL/dx = 4*norm2(x)*x
dL/dy = 4*norm2(y)*y
--- stderr
<expr>:1:16: warning: norm2 is already the squared norm, so this is a fourth power; did you mean norm(...)^2?
    f(r) = norm2(r)^2
                   ^

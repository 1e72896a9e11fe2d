# norm2 is already squared: a warning, and the run goes on
args: -e "L = norm2(x)^2"
status: 0
--- stdout
dL/dx = 4*norm2(x)*x
--- stderr
<expr>:1:13: warning: norm2 is already the squared norm, so this is a fourth power; did you mean norm(...)^2?
    L = norm2(x)^2
                ^

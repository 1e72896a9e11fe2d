# elementwise max and min (the first argument takes a tie), clip, the reductions
args: -e "x, y : vector(n)\na : scalar\nL = sum(max(x, y)) + sum(min(x, a)) + sum(clip(x, -1, 1)) + max(x) + min(y)\nwrt x, y, a"
status: 0
--- stdout
dL/dx = ismax(x) + (1 - step(-x - 1)).*(1 - step(max(x, vector(-1)) - 1)) + 2 - step(y - x) - step(x - a)
dL/dy = ismin(y) + step(y - x)
dL/da = sum(step(x - a))
--- stderr

# Unsized fills on several lines, all right. Each line's first pass makes its fills over dimensions it then takes back, and the next line makes the same indices again; rebuilding the table of nodes listed line 1's first-pass vector(1) again, so line 2 found it (by the stale record of its dimension) and dL/dt1 kept a dimension index that line 3 made again and sized m: "dL/dt1 is 1 x m" for a 1 x n step.
args: -e "x, y : vector(n); M : matrix(m, n); a : scalar\nt1 = y'\nL = sum((M*y)*y') + a" --check-file tests/golden/inputs/fills_across_steps.txt
status: 0
--- stdout
dL/dM: equivalent
dL/dt1: equivalent
dL/dy: equivalent
3 of 3 correct
--- stderr

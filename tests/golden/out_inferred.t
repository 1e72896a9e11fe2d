# types from first letters, dimensions unified
args: -e "L = x'*A*y + b*sum(z)\nwrt A" --explain
status: 0
--- stdout
x : vector(x_rows)   # inferred from its first letter, first used at 1:5
A : matrix(x_rows, A_cols)   # inferred from its first letter, first used at 1:8
y : vector(A_cols)   # inferred from its first letter, first used at 1:10
b : scalar   # inferred from its first letter, first used at 1:14
z : vector(z_rows)   # inferred from its first letter, first used at 1:20
# objective: L (scalar)
# wrt: A
--- stderr

# both shapes and the declarations in force
args: tests/golden/inputs/shapes.nd
status: 2
--- stdout
--- stderr
tests/golden/inputs/shapes.nd:5:9: error: shape mismatch in '+': W*x is m x 1, b is n x 1
    z = W*x + b
            ^
tests/golden/inputs/shapes.nd: note: declarations in force: W : matrix(m, n), x : vector(n), b : vector(n)

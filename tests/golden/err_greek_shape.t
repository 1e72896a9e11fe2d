# a message names a Greek variable by its ASCII name
args: -e "α : vector(n)\nβ : vector(m)\nL = α'*β"
status: 2
--- stdout
--- stderr
<expr>:3:8: error: shape mismatch in '*': α' is 1 x n, β is m x 1 (inner dimensions n and m differ)
    L = α'*β
          ^
<expr>: note: declarations in force: alpha : vector(n), beta : vector(m)

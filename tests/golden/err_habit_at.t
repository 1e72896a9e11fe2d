# @ names the matrix product *
args: -e "L = sum(A @ x)"
status: 2
--- stdout
--- stderr
<expr>:1:11: error: '@': nnderive writes a matrix product as '*'
    L = sum(A @ x)
              ^

# X'X names the product X'*X
args: -e "L = tr(X'X)"
status: 2
--- stdout
--- stderr
<expr>:1:10: error: unexpected 'X' after a transpose: nnderive writes a product with '*' (X'*X, not X'X)
    L = tr(X'X)
             ^

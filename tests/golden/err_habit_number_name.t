# 2x names the product 2*x
args: -e "L = sum(2x)"
status: 2
--- stdout
--- stderr
<expr>:1:10: error: unexpected name 'x' after the number '2': nnderive writes a product with '*' (2*x)
    L = sum(2x)
             ^

# ** names the power ^
args: -e "L = sum(x**2)"
status: 2
--- stdout
--- stderr
<expr>:1:10: error: '**': nnderive writes a power as '^' (elementwise: '.^')
    L = sum(x**2)
             ^~

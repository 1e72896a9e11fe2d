# outer(x, y) names x*y'
args: -e "L = sum(outer(x, y))"
status: 2
--- stdout
--- stderr
<expr>:1:9: error: unknown function 'outer': nnderive writes an outer product as x*y'
    L = sum(outer(x, y))
            ^~~~~

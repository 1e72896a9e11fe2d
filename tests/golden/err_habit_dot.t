# dot(x, y) names x'*y
args: -e "L = dot(x, y)"
status: 2
--- stdout
--- stderr
<expr>:1:5: error: unknown function 'dot': nnderive writes a dot product as x'*y
    L = dot(x, y)
        ^~~

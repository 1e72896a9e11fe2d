# transpose(X) names X'
args: -e "L = sum(transpose(X)*x)"
status: 2
--- stdout
--- stderr
<expr>:1:9: error: unknown function 'transpose': nnderive writes the transpose as X'
    L = sum(transpose(X)*x)
            ^~~~~~~~~

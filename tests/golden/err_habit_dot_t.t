# NumPy's X.T names the transpose X'
args: -e "L = sum(X.T*y)"
status: 2
--- stdout
--- stderr
<expr>:1:10: error: '.T': nnderive writes the transpose as X'
    L = sum(X.T*y)
             ^~

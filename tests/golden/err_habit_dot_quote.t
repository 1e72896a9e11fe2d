# MATLAB's X.' names the transpose X'
args: -e "L = sum(X.'*y)"
status: 2
--- stdout
--- stderr
<expr>:1:10: error: '.'': nnderive writes the transpose as X' (every number is real)
    L = sum(X.'*y)
             ^~

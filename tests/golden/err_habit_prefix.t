# a module prefix (np., torch.) is named as one
args: -e "L = sum(np.exp(x))"
status: 2
--- stdout
--- stderr
<expr>:1:9: error: 'np.': nnderive's functions take no module prefix (exp(x), not np.exp(x))
    L = sum(np.exp(x))
            ^~~

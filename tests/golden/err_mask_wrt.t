# a mask is data: wrt names it, an error at the wrt with a note at the declaration
args: -e "M : mask(m, n)\nX : matrix(m, n)\nL = sum(M.*X)\nwrt M"
status: 2
--- stdout
--- stderr
<expr>:4:5: error: wrt M: 'M' is a mask (its entries are 0 or 1), which has no gradient
    wrt M
        ^
<expr>:1:1: note: 'M' is declared here
    M : mask(m, n)
    ^

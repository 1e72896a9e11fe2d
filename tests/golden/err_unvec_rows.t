# the rows of unvec are a positive integer constant
args: -e "w : vector(6); a : scalar; L = sum(unvec(w, a))"
status: 2
--- stdout
--- stderr
<expr>:1:45: error: the rows of 'unvec' are a positive integer, not 'a'
    w : vector(6); a : scalar; L = sum(unvec(w, a))
                                                ^

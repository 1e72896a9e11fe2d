# eye of a dimension past the limit
args: -e "L = tr(eye(00099999999999))*sum(x)"
status: 2
--- stdout
--- stderr
<expr>:1:12: error: the dimension 99999999999 is too large (the limit is 1000000000)
    L = tr(eye(00099999999999))*sum(x)
               ^~~~~~~~~~~~~~

# an undeclared name whose first letter says nothing
args: -e "L = sum(_q)"
status: 2
--- stdout
--- stderr
<expr>:1:9: error: cannot infer the type of '_q' from its first letter; declare it
    L = sum(_q)
            ^~

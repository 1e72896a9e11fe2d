# an unknown function with no close name
args: -e "L = foo(x)"
status: 2
--- stdout
--- stderr
<expr>:1:5: error: unknown function 'foo'
    L = foo(x)
        ^~~

# an unknown function, with a suggestion
args: -e "L = sum(expp(x))"
status: 2
--- stdout
--- stderr
<expr>:1:9: error: unknown function 'expp'; did you mean 'exp'?
    L = sum(expp(x))
            ^~~~

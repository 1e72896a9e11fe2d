# a function that calls itself
args: -e "g(x) = sum(x) + g(x)\nL = g(v)"
status: 2
--- stdout
--- stderr
<expr>:1:17: error: 'g' calls itself: recursion is not supported
    g(x) = sum(x) + g(x)
                    ^
<expr>:1:1: note: 'g' is defined here
    g(x) = sum(x) + g(x)
    ^~~~~~~~~~~~~~~~~~~~
<expr>:2:5: note: in the call of g at 2:5
    L = g(v)
        ^~~~

# wrt names a function
args: -e "g(x) = sum(x)\nL = g(v)\nwrt g"
status: 2
--- stdout
--- stderr
<expr>:3:5: error: wrt g: 'g' is a function, not a variable
    wrt g
        ^

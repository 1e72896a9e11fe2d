# a fuzz finding: (-8)^c printed a gradient with log(-8), which does not read back (nor is it real)
args: -e "L = (-8)^(ctor)*sum(x)"
status: 2
--- stdout
--- stderr
<expr>:1:9: error: a negative number to a varying power, (-8)^(ctor), is not real for most exponents (its derivative needs the log of (-8)): write the base as a positive number
    L = (-8)^(ctor)*sum(x)
            ^

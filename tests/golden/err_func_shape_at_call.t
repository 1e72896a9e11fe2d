# a shape error in a function's body names the body and the call
args: -e "x : vector(n)\ny : vector(m)\nf(a) = a + x\nL = sum(f(x)) + sum(f(y))"
status: 2
--- stdout
--- stderr
<expr>:3:10: error: shape mismatch in '+': a is m x 1, x is n x 1
    f(a) = a + x
             ^
<expr>: note: declarations in force: x : vector(n), y : vector(m)
<expr>:4:21: note: in the call of f at 4:21
    L = sum(f(x)) + sum(f(y))
                        ^~~~

# a built-in function redefined
args: -e "tanh(x) = sum(x)\nL = tanh(v)"
status: 2
--- stdout
--- stderr
<expr>:1:1: error: 'tanh' is a built-in function and cannot be redefined
    tanh(x) = sum(x)
    ^~~~

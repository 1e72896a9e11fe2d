# torch. too
args: -e "L = sum(torch.tanh(x))"
status: 2
--- stdout
--- stderr
<expr>:1:9: error: 'torch.': nnderive's functions take no module prefix (exp(x), not torch.exp(x))
    L = sum(torch.tanh(x))
            ^~~~~~

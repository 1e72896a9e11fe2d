# the precision is capped (100000 bits once ran for 40 s)
args: -e "x : vector(n)\nL = sum(exp(x))" --verify --precision 5000
status: 2
--- stdout
--- stderr
nnderive: error: --precision needs a number from 64 to 4096, not '5000' (see nnderive --help)

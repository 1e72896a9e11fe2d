# --numpy: an operator without a NumPy form is an error that names it, and no module
args: -e "x : vector(n)\nL = max(x) + sum(x)" --numpy
status: 2
--- stdout
--- stderr
nnderive: error: --numpy: 'max' of one argument (the largest or smallest entry, and its indicator) has no NumPy form yet

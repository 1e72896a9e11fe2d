# --c on a size no variable has: an error, not C that names an undeclared d2
args: -e "x : vector(n)\nL = sum(x) + sum(vector(2))" --c
status: 2
--- stdout
--- stderr
nnderive: error: --c: the size d2 (of a vector(...) or matrix(...) that nothing else fixes) is no variable's dimension, so the generated code could not know it

# --layout takes two words
args: examples/hessian/logreg.nd --hessian --layout sideways
status: 2
--- stdout
--- stderr
nnderive: error: --layout takes numerator or denominator, not 'sideways' (see nnderive --help)

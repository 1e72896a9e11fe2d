# A wrong answer for norm(relu(u - 1)) is found wrong at the larger draws (before: no point where norm is defined).
args: -e "u : vector(m)\nL = norm(relu(u - 1))" --check "relu(u - 1)"
status: 1
--- stdout
not equivalent: `relu(u - 1)` should be `relu(u - 1)/L`: the gradient is the answer with that term replaced
--- stderr

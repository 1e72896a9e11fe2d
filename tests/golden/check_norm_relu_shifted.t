# norm(relu(u - 1)) has a gradient only where some u(i) > 1, and the random values were all in [-1, 1] (then [-0.5, 0.5], [-0.2, 0.2]): 'could not find a random point where norm is defined'. The draws now grow past 1 after they shrink. Seed 36620 of the read-back sweep.
args: -e "u : vector(m)\nL = norm(relu(u - 1))" --check "relu(u - 1)/norm(relu(u - 1))"
status: 0
--- stdout
equivalent
--- stderr

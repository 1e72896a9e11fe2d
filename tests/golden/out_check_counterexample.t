# no simpler reason: a counterexample
args: examples/autoencoder.nd --check "W*x*x'"
status: 1
--- stdout
not equivalent: the values differ at m = 5, n = 4 and W = [-0.976, 0.495, 0.611, 0.12; 0.0686, 0.94, 0.582, 0.342; 0.211, 0.239, 0.729, 0.326; -0.414, -0.104, 0.653, -0.785 ...], x = [-0.573; 0.741; 0.0502; -0.523]: the answer is [-0.512, 0.662, 0.0449, -0.467; -0.291, 0.376, 0.0255, -0.265; 0.0445, -0.0575, -0.0039, 0.0406; -0.345, 0.447, 0.0303, -0.315 ...], the gradient is [-3.39, 3.61, 1.43, -2.19; -1.93, 2.06, 0.814, -1.25; -0.33, 0.494, -0.0697, -0.379; -2.18, 2.3, 0.957, -1.38 ...] (they differ most at entry (5, 1): 0.8375 against 4.46)
--- stderr

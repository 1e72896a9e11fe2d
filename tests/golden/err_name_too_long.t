# a --name of 64 characters or more is reported as too long, not as a non-identifier
args: examples/autoencoder.nd --c --name a234567890123456789012345678901234567890123456789012345678901234
status: 2
--- stdout
--- stderr
nnderive: error: --name a234567890123456789012345678901234567890123456789012345678901234: the prefix has 64 characters; the limit is 63

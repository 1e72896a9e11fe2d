# --name cblas would define cblas_eval, a name of CBLAS
args: examples/autoencoder.nd --c --name cblas
status: 2
--- stdout
--- stderr
nnderive: error: --name cblas: the generated name `cblas_eval` would be a name of CBLAS

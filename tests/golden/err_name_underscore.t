# a leading underscore is reserved at file scope
args: examples/autoencoder.nd --c --header /dev/null --name _ae
status: 2
--- stdout
--- stderr
nnderive: error: --name _ae: `_ae` is reserved in C (it begins with an underscore)

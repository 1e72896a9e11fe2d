# the version
args: --version
status: 0
--- stdout
nnderive 0.1.0
--- stderr

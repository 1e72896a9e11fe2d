# no input at all
args: 
status: 2
--- stdout
--- stderr
nnderive: error: no input: give a FILE, - or -e PROGRAM (see nnderive --help)

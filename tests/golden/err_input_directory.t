# a directory given as the program: the reason, not "empty program"
args: examples
status: 2
--- stdout
--- stderr
nnderive: error: cannot read 'examples': Is a directory

# a file that does not exist
args: no/such/file.nd
status: 2
--- stdout
--- stderr
nnderive: error: cannot read 'no/such/file.nd': No such file or directory

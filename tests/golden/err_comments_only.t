# a program of comments only
args: -
stdin: # nothing here\n# still nothing\n
status: 2
--- stdout
--- stderr
<stdin>:1:1: error: empty program: nothing to differentiate
    # nothing here
    ^

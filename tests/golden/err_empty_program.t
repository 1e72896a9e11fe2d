# an empty program
args: -
stdin: 
status: 2
--- stdout
--- stderr
<stdin>:1:1: error: empty program: nothing to differentiate
    
    ^

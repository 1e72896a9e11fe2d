# indices are 1-based: x(0) says so
args: -e "x : vector(5)\nL = x(0)"
status: 2
--- stdout
--- stderr
<expr>:2:7: error: index 0: indices start at 1 (MATLAB style: x(1) is the first entry)
    L = x(0)
          ^

# max(x) has no C form yet: an error, no output
args: -e "L = max(x)" --c
status: 2
--- stdout
--- stderr
nnderive: error: --c: 'max' of one argument (the largest or smallest entry, and its indicator) has no C form yet

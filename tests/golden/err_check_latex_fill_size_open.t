# LaTeX: a \mathbf{1} whose size nothing in the answer fixes is an error that asks for \mathbf{1}_{n}
args: -e "x, y : vector(n); a : scalar\nL = sum(x) + a\nwrt a" --check-latex "\\mathbf{1}^\\top \\mathbf{1}"
status: 2
--- stdout
--- stderr
<check>:1:1: error: the size of `\mathbf{1}` is not clear: nothing in the answer fixes it; write its size as a subscript (\mathbf{1}_{n}, I_{n}: n a dimension of the program or a number)
    \mathbf{1}^\top \mathbf{1}
    ^~~~~~~~~~

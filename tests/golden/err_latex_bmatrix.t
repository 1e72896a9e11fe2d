# a LaTeX answer with a block matrix: an error, not a misread
args: examples/differences.nd --check-latex "\\begin{bmatrix} 0 \\\\ d \\end{bmatrix}"
status: 2
--- stdout
--- stderr
<check>:1:1: error: a block matrix (bmatrix) is not read in LaTeX answers yet: write the answer in text, [a; b] and [A, B]
    \begin{bmatrix} 0 \\ d \end{bmatrix}
    ^~~~~~~~~~~~~~~

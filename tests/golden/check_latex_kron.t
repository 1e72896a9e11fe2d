# the LaTeX reader reads A \otimes B as kron(A, B), with the sizes the output writes (I_{2}, \mathbf{1}_{3})
args: -e "A : matrix(2, 3)\nX : matrix(3, 2)\nL = sum(kron(A, X))\nwrt A" --check-latex "\\left(I_{2} \\otimes \\mathbf{1}_{3}^\\top\\right) \\left(\\mathbf{1}_{2}\\mathbf{1}_{3}^\\top \\otimes X\\right) \\left(I_{3} \\otimes \\mathbf{1}_{2}\\right)"
status: 0
--- stdout
equivalent
--- stderr

# an identity inside \otimes whose size nothing says
args: -e "A : matrix(2, 3)\nX : matrix(3, 2)\nL = sum(kron(A, X))\nwrt A" --check-latex "\\left(I \\otimes \\mathbf{1}^\\top\\right) \\left(\\mathbf{1}\\mathbf{1}^\\top \\otimes X\\right) \\left(I \\otimes \\mathbf{1}\\right)"
status: 2
--- stdout
--- stderr
<check>:1:7: error: the size of this identity is not clear: write I_n with its dimension
    \left(I \otimes \mathbf{1}^\top\right) \left(\mathbf{1}\mathbf{1}^\top \otimes X\right) \left(I \oti...
          ^

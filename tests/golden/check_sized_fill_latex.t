# the LaTeX reader reads the size of \mathbf{1}_{n} (the text's vector(1, n))
args: -e "u : vector(m)\nM : matrix(m, n)\nL = sum((M + u)'*abs(u))\nwrt u" --check-latex "\\left(\\lvert u \\rvert \\mathbf{1}_{n}^\\top\\right) \\mathbf{1} + \\left(\\left(u + M\\right) \\mathbf{1}\\right) \\odot \\operatorname{sign}\\left(u\\right)"
status: 0
--- stdout
equivalent
--- stderr

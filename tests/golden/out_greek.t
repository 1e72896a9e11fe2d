# Greek letters in UTF-8 are names spelled in ASCII (lambda)
args: -e "λ : scalar\nL = norm2(X*w - y) + λ*norm2(w)\nwrt w, λ"
status: 0
--- stdout
dL/dw = 2*(lambda*w + X'*(X*w - y))
dL/dlambda = norm2(w)
--- stderr

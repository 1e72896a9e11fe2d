#!/bin/sh
# gen_class.sh DIR N: N submissions of the seed homework's problem 3 (the
# 2-layer network, examples/two_layer_swish.nd), as a class hands them in:
# every other one LaTeX (.tex), the others nnderive's notation (.txt); each
# answer picked among right ones in several notations and the usual
# mistakes (a transpose, a sign, the x' left out, sigma' for swish'), so
# that about half the class is right on each answer.  Deterministic.
set -eu
dir=$1
n=${2:-200}
mkdir -p "$dir"

# pick I K J: the I-th submission's choice among K for its J-th answer
# (a linear congruential mix, so that the choices are independent)
pick() {
    echo $(( (($1 * 1103515245 + $3 * 2654435761 + 12345) / 65536 % 32768) % $2 ))
}

latex() {
    i=$1
    printf '%s\n' '\documentclass{article}\usepackage{amsmath}\begin{document}'
    printf '%s\n' "Submission $i.  With \$\\hat{y} = \\operatorname{softmax}(z_2)\$:"
    printf '%s\n' '\begin{align*}'
    printf '%s\n' '\hat{y} &= \operatorname{softmax}(z_2) \\'
    case $(pick "$i" 4 1) in
    0) printf '%s\n' '\frac{\partial L}{\partial W_2} &= (\hat{y} - y) h_1^\top \\' ;;
    1) printf '%s\n' '\nabla_{W_2} L &= (\hat{y}-y)\,h_1^T \\' ;;
    2) printf '%s\n' '\frac{\partial L}{\partial W_2} &= h_1 (\hat{y} - y)^\top \\' ;;
    *) printf '%s\n' 'dL/dW_2 &= (\hat{y} - y) h_1 \\' ;;
    esac
    case $(pick "$i" 3 2) in
    0|1) printf '%s\n' '\frac{\partial L}{\partial b_2} &= \hat{y} - y \\' ;;
    *) printf '%s\n' '\frac{\partial L}{\partial b_2} &= y - \hat{y} \\' ;;
    esac
    case $(pick "$i" 4 3) in
    0) printf '%s\n' '\delta_1 &= \left(W_2^\top (\hat{y} - y)\right) \odot \operatorname{swish}'"'"'(z_1) \\' ;;
    1) printf '%s\n' '\delta_1 &= (W_2^T(\hat{y} - y)) \odot \left(\sigma(z_1) + z_1 \odot \sigma(z_1) \odot (1 - \sigma(z_1))\right) \\' ;;
    2) printf '%s\n' '\delta_1 &= (W_2^\top (\hat{y} - y)) \odot \sigma'"'"'(z_1) \\' ;;
    *) printf '%s\n' '\delta_1 &= (W_2 (\hat{y} - y)) \odot \operatorname{swish}'"'"'(z_1) \\' ;;
    esac
    case $(pick "$i" 3 4) in
    0|1) printf '%s\n' '\frac{\partial L}{\partial W_1} &= \delta_1 x^\top \\' ;;
    *) printf '%s\n' '\frac{\partial L}{\partial W_1} &= \delta_1 \\' ;;
    esac
    if [ $((i % 25)) -eq 0 ]; then      # now and then, LaTeX that does not compile
        printf '%s\n' '\frac{\partial L}{\partial b_1} &= \delta_1 + \frac{1}{2'
    else
        printf '%s\n' '\frac{\partial L}{\partial b_1} &= \delta_1'
    fi
    printf '%s\n' '\end{align*}'
    printf '%s\n' '\end{document}'
}

text() {
    i=$1
    printf '%s\n' "# submission $i"
    printf '%s\n' 'yhat = softmax(z2)'
    case $(pick "$i" 4 1) in
    0|1) printf '%s\n' "dL/dW2 = (yhat - y)*h1'" ;;
    2) printf '%s\n' "dL/dW2 = h1*(yhat - y)'" ;;
    *) printf '%s\n' 'dL/dW2 = (yhat - y)*h1' ;;
    esac
    case $(pick "$i" 3 2) in
    0|1) printf '%s\n' 'dL/db2 = yhat - y' ;;
    *) printf '%s\n' 'dL/db2 = y - yhat' ;;
    esac
    case $(pick "$i" 4 3) in
    0|1) printf '%s\n' "dL/dz1 = (W2'*(yhat - y)).*(sigmoid(z1) + z1.*sigmoid(z1).*(1 - sigmoid(z1)))" ;;
    2) printf '%s\n' "dL/dz1 = (W2'*(yhat - y)).*sigmoid(z1).*(1 - sigmoid(z1))" ;;
    *) printf '%s\n' "dL/dz1 = (W2*(yhat - y)).*(sigmoid(z1) + z1.*sigmoid(z1).*(1 - sigmoid(z1)))" ;;
    esac
    case $(pick "$i" 3 4) in
    0|1) printf '%s\n' "dL/dW1 = dL/dz1*x'" ;;
    *) printf '%s\n' 'dL/dW1 = dL/dz1' ;;
    esac
    printf '%s\n' 'dL/db1 = dL/dz1'
}

i=0
while [ "$i" -lt "$n" ]; do
    name=$(printf 'student%03d' "$i")
    if [ $((i % 2)) -eq 0 ]; then
        latex "$i" > "$dir/$name.tex"
    else
        text "$i" > "$dir/$name.txt"
    fi
    i=$((i + 1))
done

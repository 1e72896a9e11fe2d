#!/usr/bin/env bash
# docs/render.sh NNDERIVE EXAMPLE.nd OUT.png: the example's gradients in
# LaTeX (nnderive --latex), typeset by pdflatex on a page cut to fit them,
# then rendered to PNG by pdftoppm.  Needs texlive-latex-base and
# poppler-utils (make deps-optional).  Used by `make render`.
set -euo pipefail
bin=$1 example=$2 out=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
{
    cat <<'TEX'
\documentclass{article}
\usepackage{amsmath}
\pagestyle{empty}
\newsavebox\ndbox
\begin{document}
\begin{lrbox}{\ndbox}\begin{minipage}{16cm}
\begin{align*}
TEX
    "$bin" "$example" --latex
    cat <<'TEX'
\end{align*}
\end{minipage}\end{lrbox}
\pdfpagewidth=\dimexpr\wd\ndbox+0.6cm\relax
\pdfpageheight=\dimexpr\ht\ndbox+\dp\ndbox+0.6cm\relax
\hoffset=-1in \voffset=-1in \oddsidemargin=0.3cm \topmargin=0.3cm
\headheight=0pt \headsep=0pt \topskip=0pt
\noindent\usebox\ndbox
\end{document}
TEX
} > "$tmp/doc.tex"
(cd "$tmp" && pdflatex -interaction=nonstopmode -halt-on-error doc.tex > /dev/null)
pdftoppm -png -r 140 -singlefile "$tmp/doc.pdf" "$tmp/doc"
mv "$tmp/doc.png" "$out"

/* test_latex.c: answers written in LaTeX (issue 11).
 *
 * Each answer is given twice, as a student writes it in LaTeX and in the
 * input language: both must get the same verdicts, the same kinds of
 * reasons, and (positions aside) the same words.  Then: every --latex and
 * --steps --latex output reads back as right; messages and positions point
 * into the .tex file; the translation errors are located there. */
#define _GNU_SOURCE
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "identities.h"
#include "randprog.h"

#define AE "W : matrix(m, n)\nx : vector(n)\nr = W'*W*x - x\nL = 0.5*norm2(r)\nwrt W\n"
#define AET "W : matrix(m, n)\nx : vector(n)\nh = tanh(W*x)\nxhat = tanh(W'*h)\n" \
            "L = 0.5*norm2(xhat - x)\nwrt W\n"
#define NET "W1 : matrix(H, D)\nb1 : vector(H)\nW2 : matrix(C, H)\nb2 : vector(C)\n" \
            "x : vector(D)\ny : onehot(C)\nz1 = W1*x + b1\nh1 = swish(z1)\n" \
            "z2 = W2*h1 + b2\nL = crossentropy(z2, y)\nwrt W1, b1, W2, b2\n"
#define BATCH "W1 : matrix(H, D)\nb1 : vector(H)\nW2 : matrix(C, H)\nb2 : vector(C)\n" \
              "X : matrix(D, N)\nY : onehot(C, N)\nZ1 = W1*X + b1\nH1 = swish(Z1)\n" \
              "Z2 = W2*H1 + b2\nL = crossentropy(Z2, Y)/N\nwrt W1, b1, W2, b2\n"
#define CV "a, b, c, d, s, x : vector(n)\n"
#define CM "A, B, C, D, X : matrix(n, n)\n"
#define SWISHD "(sigmoid(z1) + z1.*sigmoid(z1).*(1 - sigmoid(z1)))"
#define SWISHT "\\left(\\sigma(z_1) + z_1 \\odot \\sigma(z_1) \\odot (1 - \\sigma(z_1))\\right)"

/* One answer in both notations.  expr: one expression (--check-latex
 * against --check); words: the reasons must read the same, positions
 * aside (the text is written as the reader translates the LaTeX). */
typedef struct pair {
    const char *program, *latex, *text;
    int expr, words;
    const char *names;      /* --names, or NULL */
} pair;

static const pair pairs[] = {
    /* the seed's linear autoencoder */
    { AE, "\\nabla_{W} \\mathcal{L} = W\\left(x r^T + r x^T\\right)", "dL/dW = W*(x*r' + r*x')", 0, 1, NULL },
    { AE, "\\frac{\\partial L}{\\partial W} &= W \\left(r x^\\top + x r^\\top\\right)",
      "dL/dW = W*(r*x' + x*r')", 0, 1, NULL },
    { AE, "dL/dW = Wrx^T + Wxr^T", "dL/dW = W*r*x' + W*x*r'", 0, 1, NULL },
    { AE, "\\partial L / \\partial W = W (W^\\top W x - x) x^\\top + W x (W^\\top W x - x)^\\top",
      "dL/dW = W*(W'*W*x - x)*x' + W*x*(W'*W*x - x)'", 0, 1, NULL },
    { AE, "r = W^\\top W x - x \\\\\n\\frac{\\partial L}{\\partial W} = W r x^\\top",
      "r = W'*W*x - x\ndL/dW = W*r*x'", 0, 1, NULL },
    { AE, "\\frac{\\partial \\mathcal{L}}{\\partial W} = 2 W r x^{T}", "dL/dW = 2*W*r*x'", 0, 1, NULL },
    { AE, "\\frac{\\partial L}{\\partial W} = W^T (W^T W x - x) x^T",
      "dL/dW = W'*(W'*W*x - x)*x'", 0, 1, NULL },
    { AE, "\\frac{dL}{dW} = (W x r^\\top + W r x^\\top)^\\top", "dL/dW = (W*x*r' + W*r*x')'", 0, 1, NULL },
    { AE, "-W(xr^T + rx^T)", "-W*(x*r' + r*x')", 1, 1, NULL },
    { AE, "W \\cdot (x \\cdot r^{\\mathsf{T}} + r \\cdot x^{\\mathsf{T}})", "W*(x*r' + r*x')", 1, 1, NULL },
    { AE, "W(x r' + r x')", "W*(x*r' + r*x')", 1, 1, NULL },
    { AE, "\\frac{1}{2} W \\bigl(x r^\\top + r x^\\top\\bigr)", "1/2*W*(x*r' + r*x')", 1, 1, NULL },
    { AE, "\xe2\x88\x87_W L = W(x r\xe1\xb5\x80 + r x\xe1\xb5\x80)", "dL/dW = W*(x*r' + r*x')", 0, 1,
      NULL },     /* typed in Unicode: nabla, superscript T */
    /* the nonlinear one */
    { AET, "e &= (1 - \\hat{x}^{2}) \\odot (\\hat{x} - x) \\\\\n"
           "\\frac{\\partial L}{\\partial W} &= h e^\\top + \\left((1 - h^2) \\odot (W e)\\right) x^\\top",
      "e = (1 - xhat.^2).*(xhat - x)\ndL/dW = h*e' + ((1 - h.^2).*(W*e))*x'", 0, 1, NULL },
    { AET, "e = \\hat x - x \\\\ \\nabla_W L = h e^T + \\operatorname{diag}(1 - h \\odot h) W e x^T",
      "e = xhat - x\ndL/dW = h*e' + diag(1 - h.*h)*W*e*x'", 0, 1, NULL },
    { AET, "e = \\operatorname{sech}^2(W^\\top h) \\circ (\\hat{x} - x) \\\\ "
           "\\frac{\\partial L}{\\partial W} = h e^T + ((1 - h^{\\circ 2}) \\circ W e) x^T",
      "e = (1 - tanh(W'*h).^2).*(xhat - x)\ndL/dW = h*e' + ((1 - h.^2).*(W*e))*x'", 0, 1, NULL },
    { AET, "e = \\tanh'(W^T h) \\odot (\\hat{x} - x) \\\\ "
           "\\frac{\\partial L}{\\partial W} = h e^T + (\\tanh'(W x) \\odot W e) x^T",
      "e = (1 - tanh(W'*h).^2).*(xhat - x)\ndL/dW = h*e' + ((1 - tanh(W*x).^2).*(W*e))*x'",
      0, 1, NULL },
    { AET, "e = (1 - \\tanh^2(W^\\top h)) \\odot (\\hat{x} - x) \\\\ dL/dW = h e^T + (\\tanh'(W x) \\odot W e) x^T",
      "e = (1 - tanh(W'*h).^2).*(xhat - x)\ndL/dW = h*e' + ((1 - tanh(W*x).^2).*(W*e))*x'", 0, 1, NULL },
    { AET, "e = (1 - \\hat{x}^2) \\odot (\\hat{x} - x) \\\\ dL/dW = h e^T + ((1 - h^2) \\odot W e) x",
      "e = (1 - xhat.^2).*(xhat - x)\ndL/dW = h*e' + ((1 - h.^2).*(W*e))*x", 0, 1, NULL },
    /* the 2-layer network of the seed: the textbook's answers and a student's */
    { NET, "\\begin{align*}\n\\hat{y} &= \\operatorname{softmax}(z_2) \\\\\n"
           "\\frac{\\partial L}{\\partial W_2} &= (\\hat{y} - y) h_1^\\top \\\\\n"
           "\\frac{\\partial L}{\\partial b_2} &= \\hat{y} - y \\\\\n"
           "\\frac{\\partial L}{\\partial W_1} &= \\left(W_2^\\top (\\hat{y} - y)\\right) \\odot "
           SWISHT " x^\\top \\\\\n\\frac{\\partial L}{\\partial b_1} &= (W_2^\\top (\\hat{y} - y)) "
           "\\odot " SWISHT "\n\\end{align*}\n",
      "yhat = softmax(z2)\ndL/dW2 = (yhat - y)*h1'\ndL/db2 = yhat - y\n"
      "dL/dW1 = W2'*(yhat - y).*" SWISHD "*x'\ndL/db1 = W2'*(yhat - y).*" SWISHD "\n", 0, 1, NULL },
    { NET, "$$\\hat{y} = \\mathrm{softmax}(z_2)$$ and $$\\nabla_{W_1} L = (W_2^T(\\hat{y} - y)) "
           "\\odot " SWISHT "$$",
      "yhat = softmax(z2)\ndL/dW1 = W2'*(yhat - y).*" SWISHD, 0, 1, NULL },
    { NET, "\\delta_2 = \\hat{y} - y", "dL/dz2 = yhat - y", 0, 0, NULL },    /* unknown name: error */
    { NET, "\\hat{y} := \\operatorname{softmax}(z_2) \\\\ \\frac{\\partial L}{\\partial b_2} = \\hat{y} + y",
      "yhat = softmax(z2)\ndL/db2 = yhat + y", 0, 1, NULL },
    { NET, "\\delta_2 = \\hat{y} - y", "dL/dz2 = softmax(z2) - y", 0, 1, "yhat=softmax(z2)" },
    { NET, "\\[\\delta_2 = \\operatorname{softmax}(z_2) - y\\]\n"
           "\\[\\frac{\\partial L}{\\partial W_2} = \\delta_2 h_1^T\\]\n"
           "\\[\\frac{\\partial L}{\\partial b_2} = \\delta_2\\]\n"
           "\\[\\frac{\\partial L}{\\partial h_1} = W_2 \\delta_2\\]\n"
           "\\[\\frac{\\partial L}{\\partial z_1} = \\frac{\\partial L}{\\partial h_1} \\odot "
           "\\operatorname{swish}'(z_1)\\]\n"
           "\\[\\nabla_{W_1} L = \\delta_1 x^T, \\quad \\nabla_{b_1} L = \\delta_1\\]\n",
      "dL/dz2 = softmax(z2) - y\ndL/dW2 = dL/dz2*h1'\ndL/db2 = dL/dz2\ndL/dh1 = W2*dL/dz2\n"
      "dL/dz1 = dL/dh1.*" SWISHD "\ndL/dW1 = dL/dz1*x'\ndL/db1 = dL/dz1\n", 0, 1, NULL },
    { NET, "\\delta^{(2)} = \\mathrm{softmax}(z_2) - y \\\\ "
           "\\delta^{(1)} = W_2^\\top \\delta^{(2)} \\odot (\\sigma(z_1) + z_1 \\odot \\sigma'(z_1)) \\\\ "
           "\\frac{\\partial L}{\\partial W_1} = \\delta^{(1)} x^\\top",
      "dL/dz2 = softmax(z2) - y\ndL/dz1 = W2'*dL/dz2.*(sigmoid(z1) + z1.*(sigmoid(z1).*(1 - "
      "sigmoid(z1))))\ndL/dW1 = dL/dz1*x'", 0, 1, NULL },
    { NET, "g_2 = \\mathrm{softmax}(z_2) - y \\\\ \\frac{\\partial L}{\\partial b_1} = (W_2^\\top g_2) "
           "\\odot \\sigma(z_1)",
      "dL/dz2 = softmax(z2) - y\ndL/db1 = W2'*dL/dz2.*sigmoid(z1)", 0, 1, "g2=dL/dz2" },
    { NET, "\\frac{\\partial L}{\\partial b_1} = (W_2 (\\text{softmax}(z_2) - y)) \\odot " SWISHT,
      "dL/db1 = W2*(softmax(z2) - y).*" SWISHD, 0, 1, NULL },
    { NET, "\\frac{\\partial L}{\\partial W_1} = (W_2^T (\\mathrm{softmax}(z_2) - y)) \\odot " SWISHT,
      "dL/dW1 = W2'*(softmax(z2) - y).*" SWISHD, 0, 1, NULL },
    { NET, "\\frac{\\partial L}{\\partial h_1} = W^\\top_2 (\\mathrm{softmax}(z_2) - y)",
      "dL/dh1 = W2'*(softmax(z2) - y)", 0, 1, NULL },
    { NET, "\\frac{\\partial L}{\\partial W_2} = h_1 (\\mathrm{softmax}(z_2) - y)^T",
      "dL/dW2 = h1*(softmax(z2) - y)'", 0, 1, NULL },
    /* the same network on a batch */
    { BATCH, "\\frac{\\partial L}{\\partial b_2} = \\frac{1}{N} (\\operatorname{softmax}(Z_2) - Y) \\mathbf{1}",
      "dL/db2 = 1/N*(softmax(Z2) - Y)*vector(1)", 0, 1, NULL },
    { BATCH, "\\frac{\\partial L}{\\partial b_2} = (\\operatorname{softmax}(Z_2) - Y) \\mathbf{1}_N",
      "dL/db2 = (softmax(Z2) - Y)*vector(1)", 0, 1, NULL },
    { BATCH, "\\frac{\\partial L}{\\partial b_2} = \\frac{\\operatorname{softmax}(Z_2) - Y}{N}",
      "dL/db2 = (softmax(Z2) - Y)/N", 0, 1, NULL },
    { BATCH, "\\frac{\\partial L}{\\partial W_2} = \\tfrac{1}{N} (\\operatorname{softmax}(Z_2) - Y) H_1^T",
      "dL/dW2 = 1/N*(softmax(Z2) - Y)*H1'", 0, 1, NULL },
    /* Matrix Cookbook identities, as textbooks print them */
    { CV CM "L = a'*X*b\nwrt X", "a b^T", "a*b'", 1, 1, NULL },
    { CV CM "L = a'*X*b\nwrt X", "b a^\\top", "b*a'", 1, 1, NULL },
    { CV CM "L = b'*X'*X*c\nwrt X", "X(bc^T + cb^T)", "X*(b*c' + c*b')", 1, 1, NULL },
    { CV CM "L = b'*X'*X*c\nwrt X", "X b c^T", "X*b*c'", 1, 1, NULL },
    { CV CM "L = x'*B*x\nwrt x", "(B + B^\\top) x", "(B + B')*x", 1, 1, NULL },
    { CV CM "L = x'*B*x\nwrt x", "2Bx", "2*B*x", 1, 1, NULL },
    { CV "L = norm(x - a)\nwrt x", "\\frac{x - a}{\\|x - a\\|_2}", "(x - a)/norm(x - a)", 1, 1, NULL },
    { CV "L = norm(x - a)\nwrt x", "\\frac{x - a}{\\lVert x - a \\rVert^2}", "(x - a)/norm2(x - a)", 1, 1, NULL },
    { CM "L = tr(X)\nwrt X", "I", "eye(n)", 1, 1, NULL },
    { CM "L = tr(X)\nwrt X", "2 I_n", "2*eye(n)", 1, 1, NULL },
    { CM "L = tr(X*A)\nwrt X", "A^{T}", "A'", 1, 1, NULL },
    { CM "L = tr(A*X*B)\nwrt X", "A^\\top B^\\top", "A'*B'", 1, 1, NULL },
    { CM "L = tr(A*X*B)\nwrt X", "B A", "B*A", 1, 1, NULL },
    { CM "L = tr(X^2)\nwrt X", "2 X^\\top", "2*X'", 1, 1, NULL },
    { CM "L = tr(X^3)\nwrt X", "3 (X^2)^T", "3*(X^2)'", 1, 1, NULL },
    { CM "L = tr(X^3)\nwrt X", "3X^2", "3*X^2", 1, 1, NULL },
    { CM "L = det(X)\nwrt X", "\\det(X) X^{-T}", "det(X)*inv(X)'", 1, 1, NULL },
    { CM "L = det(X)\nwrt X", "\\det X \\, X^{-1}", "det(X)*inv(X)", 1, 1, NULL },
    { "X : spd(n)\nL = logdet(X)\nwrt X", "X^{-1}", "inv(X)", 1, 1, NULL },
    { "X : matrix(n, k)\nL = logdet(X*X')\nwrt X", "2(XX^T)^{-1}X", "2*inv(X*X')*X", 1, 1, NULL },
    { CV CM "L = a'*inv(X)*b\nwrt X", "-X^{-\\top} a b^\\top X^{-\\top}", "-inv(X)'*a*b'*inv(X)'", 1, 1, NULL },
    { CV CM "L = a'*inv(X)*b\nwrt X", "X^{-T} a b^T X^{-T}", "inv(X)'*a*b'*inv(X)'", 1, 1, NULL },
    { CV CM "L = norm2(A*x - b)\nwrt x", "2A^T(Ax - b)", "2*A'*(A*x - b)", 1, 1, NULL },
    { CV CM "L = norm2(A*x - b)\nwrt x", "A^T(Ax - b)", "A'*(A*x - b)", 1, 1, NULL },
    { CV CM "L = norm2(A*x - b)\nwrt A", "2(Ax - b)x^T", "2*(A*x - b)*x'", 1, 1, NULL },
    { CV "L = (x'*a)^2\nwrt x", "2 a a^\\top x", "2*a*a'*x", 1, 1, NULL },
    { CV "L = (x'*a)^2\nwrt x", "2 (x^\\top a) a", "2*(x'*a)*a", 1, 1, NULL },
    { CV "L = a'*sigmoid(x)\nwrt x", "a \\odot \\sigma(x) \\odot (1 - \\sigma(x))",
      "a.*sigmoid(x).*(1 - sigmoid(x))", 1, 1, NULL },
    { CV "L = a'*sigmoid(x)\nwrt x", "\\sigma'(x) \\odot a", "sigmoid(x).*(1 - sigmoid(x)).*a", 1, 1, NULL },
    { CV "L = a'*sigmoid(x)\nwrt x", "a \\odot \\sigma(x)", "a.*sigmoid(x)", 1, 1, NULL },
    { CV "L = logsumexp(x)\nwrt x", "\\frac{\\exp(x)}{\\mathbf{1}^\\top \\exp(x)}",
      "exp(x)/(vector(1)'*exp(x))", 1, 1, NULL },
    { CV "L = logsumexp(x)\nwrt x", "\\operatorname{softmax}(x)", "softmax(x)", 1, 1, NULL },
    { "z : vector(C)\ny : onehot(C)\nL = crossentropy(z, y)\nwrt z", "\\mathrm{softmax}(z) - y",
      "softmax(z) - y", 1, 1, NULL },
    { "z : vector(C)\ny : onehot(C)\nL = crossentropy(z, y)\nwrt z", "y - \\text{softmax}(z)",
      "y - softmax(z)", 1, 1, NULL },
    { "z, y : vector(C)\nL = -y'*log(softmax(z))\nwrt z", "\\operatorname{softmax}(z) - y",
      "softmax(z) - y", 1, 1, NULL },
    { "w : vector(d)\nlam : scalar\nX : matrix(N, d)\nt : vector(N)\n"
      "L = 0.5*norm2(X*w - t) + 0.5*lam*norm2(w)\nwrt w",
      "X^\\top (X w - t) + \\lambda w", "X'*(X*w - t) + lam*w", 1, 1, NULL },
    { "w : vector(d)\nlam : scalar\nX : matrix(N, d)\nt : vector(N)\n"
      "L = 0.5*norm2(X*w - t) + 0.5*lam*norm2(w)\nwrt w",
      "X^\\top (X w - t) - \\lambda w", "X'*(X*w - t) - lam*w", 1, 1, NULL },
};

/* The lines of a JSON report: "name|verdict|kind|reason", the reason with
 * its positions ("at 3:14") dropped when words is not set... and kept
 * apart from them always. */
static void summarize(const char *json, int words, strbuf *out)
{
    regex_t at;
    ck_assert_int_eq(regcomp(&at, " at [0-9]+:[0-9]+", REG_EXTENDED), 0);
    for (const char *l = json; (l = strstr(l, "{\"name\": ")); l++) {
        const char *eol = strchr(l, '\n');
        char *line = strndup(l, eol ? (size_t)(eol - l) : strlen(l));
        char *pos = strstr(line, ", \"positions\"");
        if (pos)
            *pos = '\0';    /* positions differ: the .tex file's are elsewhere */
        char *lineno = strstr(line, "\"line\": ");
        if (lineno)
            memmove(lineno, strchr(lineno, ',') + 2, strlen(strchr(lineno, ',') + 2) + 1);
        regmatch_t m;
        while (!regexec(&at, line, 1, &m, 0))
            memmove(line + m.rm_so, line + m.rm_eo, strlen(line + m.rm_eo) + 1);
        if (!words) {
            char *reason = strstr(line, ", \"reason\"");
            if (reason)
                *reason = '\0';
        }
        sb_printf(out, "%s\n", line);
        free(line);
    }
    regfree(&at);
}

/* The report of answers (LaTeX or text) on the program, as JSON. */
static int report(const pair *p, int latex, strbuf *out)
{
    nd_session *s = nd_open("prog.nd", p->program, strlen(p->program), NULL);
    ck_assert_int_eq(nd_status(s), 0);
    if (latex && p->names)
        ck_assert_int_eq(nd_set_latex_names(s, p->names), 0);
    const char *text = latex ? p->latex : p->text;
    int flags = ND_CHECK_JSON | (latex ? ND_CHECK_LATEX : 0) | (p->expr ? ND_CHECK_EXPRESSION : 0);
    char *json = NULL;
    int st = nd_check_file(s, latex ? "answers.tex" : "answers.txt", text, strlen(text), flags, &json);
    summarize(json, p->words, out);
    nd_free(json);
    nd_close(s);
    return st;
}

START_TEST(latex_as_text)
{
    const pair *p = &pairs[_i];
    strbuf a, b;
    sb_init(&a);
    sb_init(&b);
    int sa = report(p, 1, &a), sb = report(p, 0, &b);
    ck_assert_msg(sa == sb && !strcmp(sb_str(&a), sb_str(&b)),
                  "pair %d: %s\nLaTeX (status %d):\n%s\ntext (status %d):\n%s", _i, p->latex, sa,
                  sb_str(&a), sb, sb_str(&b));
    sb_free(&a);
    sb_free(&b);
}
END_TEST

/* The Matrix Cookbook's identities (tests/identities.h) as the Cookbook
 * and lecture notes typeset them: each reads as right. */
static const char *const cookbook_latex[] = {
    /* (69) */ "a", "a b^T", "b a^\\top", "X(b c^T + c b^T)",
    /* (78) */ "B^\\top C (D x + d) + D^\\top C^\\top (B x + b)", "(B + B^T) x",
    /* (82) */ "D^T X b c^T + D X c b^T", "(D + D^\\top)(X b + c) b^\\top",
    /* (84) */ "2 D (X b + c) b^T", "-2 A^T W (x - A s)", "-2 W (x - A s) s^\\top",
    /* (97) */ "\\frac{x - a}{\\|x - a\\|_2}", "I", "A^T", "A^T B^T", "B A", "A", "A",
    /* (107) */ "2 X^\\top", "(X B + B X)^\\top", "B X + B^\\top X", "X B^T + X B",
    /* (115) */ "A^T X^T B^T + B^T X^T A^T", "2X", "C^T X B B^T + C X B B^T",
    /* (119) */ "B X C + B^T X C^T", "A^\\top C^\\top X B^\\top + C A X B",
    /* (121) */ "2 A^T (A X B + C) B^T", "3 (X^2)^\\top",
    /* (49) */ "\\det(X) X^{-T}", "\\det(A X B) X^{-\\top}", "2 (X X^\\top)^{-1} X", "X^{-T}",
    /* (57) */ "3 \\det(X^3) (X^{-1})^T", "-X^{-T} a b^T X^{-T}",
    /* (63) */ "-\\left(X^{-1} B A X^{-1}\\right)^\\top",
    /* (124) */ "-\\left((X + A)^{-1} (X + A)^{-1}\\right)^\\top",
    /* ||Ax - b||^2 */ "2 A^\\top (A x - b)", "2 (A x - b) x^\\top",
    /* (x'a)^2 */ "2 a a^\\top x", "2 X",
    /* sigmoid */ "a \\odot \\sigma(x) \\odot (1 - \\sigma(x))",
    /* logsumexp */ "\\operatorname{softmax}(x)", "\\mathrm{softmax}(z) - y",
    /* general y */ "\\operatorname{softmax}(z)\\, \\mathbf{1}^\\top y - y",
    /* logistic */ "(p - y) x", "\\frac{X^\\top (p - y)}{N}",
    /* cross-entropy written out */ "\\operatorname{softmax}(z) - y",
    /* softmax regression */ "\\frac{1}{N} (\\operatorname{softmax}(W X) - Y) X^\\top",
    /* cosine similarity */
    "\\frac{y}{\\lVert x \\rVert_2 \\lVert y \\rVert_2} - \\frac{(x^\\top y) x}{\\lVert x \\rVert_2^{3} \\lVert y \\rVert_2}",
    /* layer norm */
    "\\frac{g \\odot w - \\operatorname{mean}(g \\odot w) - \\hat{x} \\operatorname{mean}(g \\odot w \\odot \\hat{x})}{s}",
    /* batch norm */
    "(N (g \\odot W) - \\operatorname{sum}(g \\odot W, 2) - \\hat{X} \\odot \\operatorname{sum}(g \\odot W \\odot \\hat{X}, 2)) \\oslash (N s)",
    /* KL */ "\\operatorname{softmax}(z) - p",
    /* label smoothing */ "\\operatorname{softmax}(z) - (1 - a) y - \\frac{a}{C}",
    /* Gaussian */ "\\frac{\\mu - x}{s^2}", "\\frac{n}{s} - \\frac{\\lVert x - \\mu \\rVert_2^2}{s^{3}}",
    /* multivariate Gaussian */ "S^{-1} (\\mu - x)",
    "\\frac{1}{2} \\left(S^{-1} - S^{-1} (x - \\mu) (x - \\mu)^\\top S^{-1}\\right)",
    /* KL of diagonal Gaussians */ "(\\mu - m) \\oslash r^{\\circ 2}", "s \\oslash r^{\\circ 2} - 1 \\oslash s",
    /* RNN step */ "\\left(w \\odot (1 - h^{\\circ 2})\\right) h_{0}^\\top",
    /* attention */ "\\frac{K \\left(a \\odot (V^\\top w) - a (a^\\top V^\\top w)\\right)}{\\sqrt{d}}",
    /* regressions */ "\\frac{(W X - Y) X^\\top}{N}", "\\frac{X^\\top (X w - y)}{N} + \\mathrm{lam}\\, w",
    /* cosine similarity loss */
    "\\frac{(x^\\top y) y}{\\lVert x \\rVert_2 \\lVert y \\rVert_2^{3}} - \\frac{x}{\\lVert x \\rVert_2 \\lVert y \\rVert_2}",
};

START_TEST(cookbook_in_latex)
{
    ck_assert_int_eq(sizeof cookbook_latex / sizeof *cookbook_latex, N_IDENTITIES);
    const struct identity *id = &identities[_i];
    pair p = { id->program, cookbook_latex[_i], id->answer, 1, 0, NULL };
    strbuf a, b;
    sb_init(&a);
    sb_init(&b);
    int sa = report(&p, 1, &a), sb = report(&p, 0, &b);
    ck_assert_msg(sa == 0 && sb == 0, "%s: %s\nLaTeX (status %d): %s\ntext (status %d): %s",
                  id->name, cookbook_latex[_i], sa, sb_str(&a), sb, sb_str(&b));
    sb_free(&a);
    sb_free(&b);
}
END_TEST

/* ---- round trips: nnderive's own LaTeX reads back as right ---- */

static const enum nd_format latex_formats[] = { ND_LATEX, ND_STEPS_LATEX, ND_LATEX_DOC };

START_TEST(examples_read_back)
{
    char *program = t_slurp(t_examples[_i]);
    for (size_t f = 0; f < sizeof latex_formats / sizeof *latex_formats; f++) {
        char *v = NULL;
        int st = t_read_back(program, latex_formats[f], 1, &v);
        ck_assert_msg(st == 0, "%s, format %d: status %d\n%s", t_examples[_i],
                      (int)latex_formats[f], st, v);
        nd_free(v);
    }
    free(program);
}
END_TEST

/* Random programs: the LaTeX reads back as right wherever the text does
 * (the text fails only where its printed form lost something: the size of
 * matrix(c) in a sum, the order of broadcasts in x' + x + A), and where
 * it does not, the text does not either. */
#define N_RANDOM 300

START_TEST(random_programs_read_back)
{
    int checked = 0, text_fails = 0;
    for (int i = 0; i < N_RANDOM; i++) {
        strbuf p;
        sb_init(&p);
        randprog((uint64_t)i + 7000, 3, &p);
        for (int f = 0; f < 2; f++) {
            enum nd_format fmt = f ? ND_STEPS_LATEX : ND_LATEX;
            char *v = NULL, *tv = NULL;
            int st = t_read_back(sb_str(&p), fmt, 1, &v);
            if (st > 0) {       /* is it the printed form's loss, as in text? */
                int tst = t_read_back(sb_str(&p), f ? ND_STEPS : ND_TEXT, 0, &tv);
                ck_assert_msg(tst == st || (st == 1 && tst == 2),
                              "program %d (%s): the text reads back with status %d, the LaTeX "
                              "with %d:\n%s\n%s", i, f ? "steps" : "latex", tst, st, sb_str(&p), v);
                text_fails++;
            }
            checked += st >= 0;
            nd_free(v);
            nd_free(tv);
        }
        sb_free(&p);
    }
    ck_assert_int_ge(checked, N_RANDOM);
    ck_assert_msg(text_fails * 50 < checked, "%d of %d fail in text too", text_fails, checked);
}
END_TEST

/* The end of the brace group that starts at s[0] == '{' (its '}'). */
static const char *group_end(const char *s)
{
    int depth = 0;
    for (; *s; s++) {
        if (*s == '\\' && s[1]) {
            s++;
            continue;
        }
        depth += *s == '{';
        if (*s == '}' && --depth == 0)
            return s;
    }
    return NULL;
}

/* Whether the group {s..e} is wholly \left( ... \right), one pair. */
static int wholly_parenthesized(const char *s, const char *e)
{
    if (strncmp(s + 1, "\\left(", 6) != 0 || e - s < 8 || strncmp(e - 7, "\\right)", 7) != 0)
        return 0;
    int depth = 0;
    for (const char *c = s + 1; c < e - 7; c++) {
        if (!strncmp(c, "\\left", 5))
            depth++;
        else if (!strncmp(c, "\\right", 6) && --depth == 0)
            return 0;       /* the first pair closes before the end */
    }
    return 1;
}

/* The first \frac whose numerator or denominator is wholly in
 * parentheses, or NULL. */
static const char *parenthesized_fraction(const char *out)
{
    for (const char *f = strstr(out, "\\frac{"); f; f = strstr(f + 1, "\\frac{")) {
        const char *num = f + 5, *num_end = group_end(num);
        if (!num_end || num_end[1] != '{')
            continue;
        const char *den_end = group_end(num_end + 1);
        if (wholly_parenthesized(num, num_end) || (den_end && wholly_parenthesized(num_end + 1, den_end)))
            return f;
    }
    return NULL;
}

/* LaTeX puts no parentheses around a whole numerator or denominator of
 * \frac (a group already), nor around \frac{1}{a + b} itself. */
START_TEST(fractions_without_parentheses)
{
    static const char *const cases[][2] = {
        { "L = sum(x)/(a + b)", "= \\frac{1}{a + b} \\mathbf{1}" },
        { "L = (a + b)/(c + d)\nwrt a", "= \\frac{1}{c + d}" },
        { "L = (a + b)*c/(d + 1)\nwrt c", "= \\frac{a + b}{d + 1}" },
        { "L = sum(exp(x))/(a + 1)\nwrt a", "\\frac{\\operatorname{sum}\\left(\\exp\\left(x\\right)\\right)}" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *out = t_emit(cases[i][0], ND_LATEX);
        ck_assert_msg(out && strstr(out, cases[i][1]), "%s: no %s in\n%s", cases[i][0],
                      cases[i][1], out);
        nd_free(out);
        char *v = NULL;
        ck_assert_int_eq(t_read_back(cases[i][0], ND_LATEX, 1, &v), 0);
        nd_free(v);
    }
    int fractions = 0;
    for (int i = -T_N_EXAMPLES; i < N_RANDOM; i++) {
        strbuf p;
        sb_init(&p);
        if (i < 0) {
            char *text = t_slurp(t_examples[i + T_N_EXAMPLES]);
            sb_puts(&p, text);
            free(text);
        } else {
            randprog((uint64_t)i + 7000, 3, &p);
        }
        for (int f = 0; f < 2; f++) {
            char *out = t_emit(sb_str(&p), f ? ND_STEPS_LATEX : ND_LATEX);
            if (!out)
                continue;
            const char *bad = parenthesized_fraction(out);
            ck_assert_msg(!bad, "program %d: parentheses around a whole part of %.80s\n%s", i,
                          bad, out);
            fractions += strstr(out, "\\frac{") != NULL;
            nd_free(out);
        }
        sb_free(&p);
    }
    ck_assert_int_ge(fractions, 50);
}
END_TEST

/* ---- positions: messages and reasons point into the .tex file ---- */

static t_result run_file(const char *program, const char *name, const char *text,
                         const char *extra)
{
    FILE *f = fopen(name, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
    const char *argv[6] = { "nnderive", program, "--check-file", name, extra, NULL };
    return t_cli(extra ? 5 : 4, argv, NULL);
}

START_TEST(reason_positions_in_tex)
{
    const char *tex = "% the seed's problem 3\n\\begin{align*}\n"
                      "\\frac{\\partial L}{\\partial z_2} &= \\operatorname{softmax}(z_2) - y \\\\\n"
                      "  \\frac{\\partial L}{\\partial h_1} &= W_2 \\frac{\\partial L}{\\partial z_2}\n"
                      "\\end{align*}\n";
    t_result r = run_file("examples/two_layer_swish.nd", "build/latex_pos.tex", tex, NULL);
    ck_assert_int_eq(r.status, 1);
    /* W_2 is at 4:38 of the .tex file, the product right after it */
    ck_assert_msg(strstr(r.out, "at 4:42") && strstr(r.out, "`W2` at 4:38") &&
                  strstr(r.out, "(line 4)"), "%s", r.out);
    t_result_free(&r);
    r = run_file("examples/two_layer_swish.nd", "build/latex_pos.tex", tex, "--json");
    ck_assert_msg(strstr(r.out, "\"file\": \"build/latex_pos.tex\", \"line\": 4, \"column\": 38"),
                  "%s", r.out);
    ck_assert_msg(strstr(r.out, "\"name\": \"dL/dh1\", \"line\": 4"), "%s", r.out);
    t_result_free(&r);
    remove("build/latex_pos.tex");
}
END_TEST

START_TEST(error_positions_in_tex)
{
    static const struct { const char *tex, *where, *words; } cases[] = {
        { "\\[ \\frac{\\partial L}{\\partial W} = W(x r^\\top + x r^\\top \\]\n", ":1:57:",
          "expected ')'" },
        { "$$\n\\frac{\\partial L}{\\partial W} =\n  W q x^T\n$$\n", ":3:5:", "unknown name 'q'" },
        { "\\frac{\\partial L}{\\partial W} = Wxq\n", ":1:33:", "space or \\cdot" },
        { "\\frac{\\partial L}{\\partial W} = \\frac{1}{2\n", ":1:43:", "expected '}'" },
        { "dL/dW = W \\oplus x\n", ":1:11:", "'\\oplus' is not supported" },
        { "$dL/dW = W x$ and then $", ":1:24:", "not closed" },
        { "\\frac{\\partial L}{\\partial W} = \\sum_i W x_i\n", ":1:33:", "sums over indices" },
        { "\\frac{\\partial L}{\\partial W} = \\operatorname{tr}(I) W\n", ":1:51:",
          "the size of this identity" },
        { "dL/dW = W x \\pm x\n", ":1:13:", "\\pm" },
        { "\\frac{\\partial L}{\\partial W} = W(x r^T)^T)\n", ":1:43:", "closes nothing" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        t_result r = run_file("examples/autoencoder.nd", "build/latex_err.tex", cases[i].tex, NULL);
        ck_assert_msg(r.status == 2 && strstr(r.err, cases[i].where) &&
                      strstr(r.err, cases[i].words) && strstr(r.err, "\n    "),
                      "case %zu: %s\nstatus %d: %s", i, cases[i].tex, r.status, r.err);
        t_result_free(&r);
    }
    remove("build/latex_err.tex");
}
END_TEST

/* Limits: nesting, long words, big files: located errors, never a crash. */
START_TEST(limits)
{
    strbuf b;
    sb_init(&b);
    sb_puts(&b, "\\frac{\\partial L}{\\partial W} = ");
    for (int i = 0; i < 300; i++)
        sb_puts(&b, "\\left(");
    sb_puts(&b, "W r x^T");
    for (int i = 0; i < 300; i++)
        sb_puts(&b, "\\right)");
    t_result r = run_file("examples/autoencoder.nd", "build/latex_lim.tex", sb_str(&b), NULL);
    ck_assert_msg(r.status == 2 && strstr(r.err, "nested too deeply (the limit is 200 levels)"),
                  "%s", r.err);
    t_result_free(&r);
    sb_clear(&b);
    sb_puts(&b, "dL/dW = ");
    for (int i = 0; i < 300; i++)
        sb_puts(&b, "\\mathbf{");
    r = run_file("examples/autoencoder.nd", "build/latex_lim.tex", sb_str(&b), NULL);
    ck_assert_msg(r.status == 2 && strstr(r.err, ":1:"), "%s", r.err);
    t_result_free(&r);
    sb_clear(&b);
    sb_puts(&b, "dL/dW = ");
    for (int i = 0; i < 100; i++)
        sb_putc(&b, i % 2 ? 'x' : 'r');     /* xrxr...: splits only one way, but too long */
    r = run_file("examples/autoencoder.nd", "build/latex_lim.tex", sb_str(&b), NULL);
    ck_assert_msg(r.status == 2 && strstr(r.err, "'rxrxrxrxrxrxrxrxrxrxrxrxrxrxrx...rxrxrxrxrx'"),
                  "%s", r.err);
    t_result_free(&r);
    sb_clear(&b);
    sb_puts(&b, "dL/dW = ");
    for (int i = 0; i < 60; i++)        /* W and WW, x and xx: many ways, found fast */
        sb_putc(&b, i < 30 ? 'W' : 'x');
    FILE *f = fopen("build/latex_lim.tex", "w");
    fputs(sb_str(&b), f);
    fclose(f);
    const char *prog = "W, WW : matrix(n, n)\nx, xx : vector(n)\nL = x'*W*xx + sum(WW)\nwrt W";
    const char *argv[] = { "nnderive", "-e", prog, "--check-file", "build/latex_lim.tex" };
    r = t_cli(5, argv, NULL);
    ck_assert_msg(r.status == 2 && strstr(r.err, "more than one way"), "%s", r.err);
    t_result_free(&r);
    sb_clear(&b);
    while (b.len <= ((size_t)4 << 20))
        sb_puts(&b, "% a long comment, to be over the limit of LaTeX answers\n");
    r = run_file("examples/autoencoder.nd", "build/latex_lim.tex", sb_str(&b), NULL);
    ck_assert_msg(r.status == 2 && strstr(r.err, "too large for LaTeX answers (the limit is 4 MiB)"),
                  "%s", r.err);
    t_result_free(&r);
    sb_free(&b);
    remove("build/latex_lim.tex");
}
END_TEST

/* A LaTeX line that is right given an earlier wrong one: error carried
 * forward, as for text. */
START_TEST(carried_forward)
{
    const char *tex = "\\delta_2 &= \\operatorname{softmax}(z_2) + y \\\\\n"
                      "\\frac{\\partial L}{\\partial W_2} &= \\delta_2 h_1^\\top\n";
    t_result r = run_file("examples/two_layer_swish.nd", "build/latex_cf.tex", tex, NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.out, "dL/dW2: right given your dL/dz2, which is wrong"), "%s", r.out);
    t_result_free(&r);
    remove("build/latex_cf.tex");
}
END_TEST

/* Prose around the math, comments, a whole document: only the math counts,
 * and rows that restate the program are not answers. */
START_TEST(documents)
{
    const char *tex =
        "\\documentclass{article}\n\\usepackage{amsmath} % for align\n\\begin{document}\n"
        "Let $r = W^\\top W x - x$ where $W \\in \\mathbb{R}^{m \\times n}$; the cost is\n"
        "$L = \\frac{1}{2}\\|r\\|^2$ (50\\% of the grade, costs \\$0).\n"
        "\\begin{equation}\n  \\nabla_W L = W r x^\\top % the path through W x\n"
        "  + W x r^\\top. \\label{eq:grad}\n\\end{equation}\n\\end{document}\n";
    t_result r = run_file("examples/autoencoder.nd", "build/latex_doc.tex", tex, NULL);
    ck_assert_msg(r.status == 0 && !strcmp(r.out, "dL/dW: equivalent\n1 of 1 correct\n"),
                  "%d %s %s", r.status, r.out, r.err);
    t_result_free(&r);
    remove("build/latex_doc.tex");
}
END_TEST

/* --answers latex reads any file as LaTeX; --check-latex one expression. */
START_TEST(options)
{
    FILE *f = fopen("build/latex_opt.txt", "w");
    fputs("\\frac{\\partial L}{\\partial W} = W(x r^\\top + r x^\\top)\n", f);
    fclose(f);
    const char *a[] = { "nnderive", "examples/autoencoder.nd", "--check-file",
                        "build/latex_opt.txt", "--answers", "latex" };
    t_result r = t_cli(6, a, NULL);
    ck_assert_int_eq(r.status, 0);
    t_result_free(&r);
    r = t_cli(4, a, NULL);      /* as text: it does not parse */
    ck_assert_int_eq(r.status, 2);
    t_result_free(&r);
    const char *b[] = { "nnderive", "examples/autoencoder.nd", "--check-latex", "W r x^T" };
    r = t_cli(4, b, NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.out, "missing the contribution"), "%s", r.out);
    t_result_free(&r);
    const char *c[] = { "nnderive", "examples/autoencoder.nd", "--check-latex", "W q" };
    r = t_cli(4, c, NULL);
    ck_assert_msg(r.status == 2 && strstr(r.err, "<check>:1:3: error: unknown name 'q'"), "%s",
                  r.err);
    t_result_free(&r);
    const char *d[] = { "nnderive", "examples/two_layer_swish.nd", "--check-latex",
                        "\\delta_2 h_1^T", "--wrt", "W2", "--names", "bogus" };
    r = t_cli(8, d, NULL);
    ck_assert_msg(r.status == 2 && strstr(r.err, "expected NAME=WHAT"), "%s", r.err);
    t_result_free(&r);
    d[7] = "delta2=softmax(z2) - y";
    r = t_cli(8, d, NULL);
    ck_assert_msg(r.status == 0, "%s%s", r.out, r.err);
    t_result_free(&r);
    remove("build/latex_opt.txt");
}
END_TEST

/* The translated text keeps the way back: diag_origin and diag_format. */
START_TEST(origin_map)
{
    nd_source tex = { .name = "a.tex", .text = "x\n  \\alpha W", .len = 12 };
    static const size_t at[] = { 4, 5, 6, 7, 9, 11, 11, 12 };  /* "alpha*W" */
    nd_source t = { .name = "a.tex", .text = "alpha*W", .len = 7, .origin = &tex,
                    .origin_at = at };
    nd_loc loc = diag_origin((nd_loc){ 1, 7, 1, 7, &t });
    ck_assert_ptr_eq(loc.src, &tex);
    ck_assert_int_eq(loc.first_line, 2);
    ck_assert_int_eq(loc.first_column, 10);
    strbuf b;
    sb_init(&b);
    diag_format(&b, DIAG_ERROR, (nd_loc){ 1, 1, 1, 5, &t }, "here");
    ck_assert_str_eq(sb_str(&b), "a.tex:2:3: error: here\n      \\alpha W\n      ^~~~~~\n");
    sb_free(&b);
}
END_TEST

Suite *suite_latex(void)
{
    Suite *s = suite_create("latex");
    TCase *tc = tcase_create("latex");
    tcase_set_timeout(tc, 300);
    tcase_add_loop_test(tc, latex_as_text, 0, (int)(sizeof pairs / sizeof *pairs));
    tcase_add_loop_test(tc, cookbook_in_latex, 0, (int)N_IDENTITIES);
    tcase_add_loop_test(tc, examples_read_back, 0, T_N_EXAMPLES);
    tcase_add_test(tc, random_programs_read_back);
    tcase_add_test(tc, fractions_without_parentheses);
    tcase_add_test(tc, reason_positions_in_tex);
    tcase_add_test(tc, error_positions_in_tex);
    tcase_add_test(tc, limits);
    tcase_add_test(tc, carried_forward);
    tcase_add_test(tc, documents);
    tcase_add_test(tc, options);
    tcase_add_test(tc, origin_map);
    suite_add_tcase(s, tc);
    return s;
}

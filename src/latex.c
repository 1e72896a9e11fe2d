/* latex.c: names and labels in LaTeX. */
#include "latex.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

static const char *const greek[] = {
    "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota",
    "kappa", "lambda", "mu", "nu", "xi", "pi", "rho", "sigma", "tau", "upsilon",
    "phi", "chi", "psi", "omega", "Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi",
    "Sigma", "Upsilon", "Phi", "Psi", "Omega",
};

static int is_greek(const char *s, size_t n)
{
    for (size_t i = 0; i < sizeof greek / sizeof *greek; i++)
        if (strlen(greek[i]) == n && !strncmp(greek[i], s, n))
            return 1;
    return 0;
}

/* Upright text, with LaTeX's special characters escaped. */
static void roman(strbuf *out, const char *s, size_t n)
{
    sb_puts(out, "\\mathrm{");
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '_')
            sb_putc(out, '\\');
        sb_putc(out, s[i]);
    }
    sb_putc(out, '}');
}

/* The part before any subscript: a letter, a Greek name, or a word, under
 * one \hat per "hat" it ends with (xhat, xhathat). */
static void base_name(strbuf *out, const char *s, size_t n)
{
    size_t hats = 0;
    while (n > 3 && !strncmp(s + n - 3, "hat", 3)) {
        n -= 3;
        hats++;
    }
    for (size_t i = 0; i < hats; i++)
        sb_puts(out, "\\hat{");
    if (is_greek(s, n)) {
        sb_putc(out, '\\');
        sb_putn(out, s, n);
    } else if (n == 1 && isalpha((unsigned char)s[0])) {
        sb_putc(out, s[0]);
    } else {
        roman(out, s, n);
    }
    for (size_t i = 0; i < hats; i++)
        sb_putc(out, '}');
}

/* A subscript: digits or one letter as they are, a Greek name, else a word. */
static void subscript(strbuf *out, const char *s)
{
    size_t m = strlen(s);
    int digits = 1;
    for (size_t i = 0; i < m; i++)
        digits &= isdigit((unsigned char)s[i]) != 0;
    if (digits || (m == 1 && isalpha((unsigned char)s[0])))
        sb_puts(out, s);
    else if (is_greek(s, m))
        sb_printf(out, "\\%s", s);
    else
        roman(out, s, m);
}

/* W_out -> W_{out} reads naturally; an underscore at either end or doubled
 * (x__, _x, __init__) does not, and such a name is shown as it is written. */
static int plain_underscores(const char *name, size_t n)
{
    return name[0] != '_' && name[n - 1] != '_' && !strstr(name, "__");
}

void latex_ident(strbuf *out, const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || !plain_underscores(name, n)) {
        roman(out, name, n);
        return;
    }
    const char *us = strchr(name, '_');
    if (us) {                           /* W_out -> W_{out} */
        base_name(out, name, (size_t)(us - name));
        sb_puts(out, "_{");
        subscript(out, us + 1);
        sb_putc(out, '}');
        return;
    }
    size_t d = n;
    while (d > 0 && isdigit((unsigned char)name[d - 1]))
        d--;
    if (d == 0 || d == n) {
        base_name(out, name, n);
        return;
    }
    base_name(out, name, d);    /* W1 -> W_{1} */
    sb_printf(out, "_{%s}", name + d);
}

/* A block of a Hessian, d2f/dx2 or d2f/dx dy (jacobian.h): 1 when it was. */
static int hessian_label(strbuf *out, const char *label)
{
    const char *slash = strchr(label, '/');
    if (strncmp(label, "d2", 2) != 0 || !slash || slash == label + 2 || slash[1] != 'd')
        return 0;
    size_t n = (size_t)(slash - label - 2), len = strlen(slash + 2);
    const char *second = strstr(slash + 2, " d");
    if (!second && (len < 2 || slash[len + 1] != '2'))
        return 0;
    char *of = xmalloc(n + len + 1), *wrt = of + n + 1;
    memcpy(of, label + 2, n);
    of[n] = '\0';
    size_t w = second ? (size_t)(second - slash - 2) : len - 1;
    memcpy(wrt, slash + 2, w);
    wrt[w] = '\0';
    sb_puts(out, "\\frac{\\partial^2 ");
    latex_ident(out, of);
    sb_puts(out, "}{\\partial ");
    latex_ident(out, wrt);
    if (second) {
        sb_puts(out, " \\, \\partial ");
        latex_ident(out, second + 2);
    } else {
        sb_puts(out, "^2");
    }
    sb_putc(out, '}');
    free(of);
    return 1;
}

void latex_label(strbuf *out, const char *label)
{
    if (hessian_label(out, label))
        return;
    const char *slash = strchr(label, '/');
    if (label[0] == 'd' && slash && slash[1] == 'd' && slash > label + 1) {
        size_t n = (size_t)(slash - label - 1);
        char *of = xmalloc(n + 1);
        memcpy(of, label + 1, n);
        of[n] = '\0';
        sb_puts(out, "\\frac{\\partial ");
        latex_ident(out, of);
        sb_puts(out, "}{\\partial ");
        latex_ident(out, slash + 2);
        sb_putc(out, '}');
        free(of);
        return;
    }
    latex_ident(out, label);
}

void latex_document_begin(strbuf *out, const char *title)
{
    sb_puts(out, "\\documentclass{article}\n\\usepackage{amsmath}\n\\begin{document}\n");
    if (title) {
        sb_puts(out, "\\noindent Gradients of \\texttt{");
        for (const char *c = title; *c; c++) {
            if (*c == '\\')
                sb_puts(out, "\\textbackslash{}");
            else if (*c == '~')
                sb_puts(out, "\\textasciitilde{}");
            else if (*c == '^')
                sb_puts(out, "\\textasciicircum{}");
            else if (strchr("#$%&_{}", *c))
                sb_printf(out, "\\%c", *c);
            else
                sb_putc(out, *c);
        }
        sb_puts(out, "} (nnderive)\n");
    }
    sb_puts(out, "\\begin{align*}\n");
}

void latex_document_end(strbuf *out)
{
    sb_puts(out, "\\end{align*}\n\\end{document}\n");
}

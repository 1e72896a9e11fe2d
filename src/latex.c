/* latex.c: names and labels in LaTeX. */
#include "latex.h"

#include <ctype.h>
#include <string.h>

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

/* The part before any subscript: a letter, a Greek name, xhat, or a word. */
static void base_name(strbuf *out, const char *s, size_t n)
{
    if (n > 3 && !strncmp(s + n - 3, "hat", 3)) {
        sb_puts(out, "\\hat{");
        base_name(out, s, n - 3);
        sb_putc(out, '}');
    } else if (is_greek(s, n)) {
        sb_putc(out, '\\');
        sb_putn(out, s, n);
    } else if (n == 1) {
        sb_putc(out, s[0]);
    } else {
        roman(out, s, n);
    }
}

void latex_ident(strbuf *out, const char *name)
{
    size_t n = strlen(name);
    const char *us = strchr(name, '_');
    if (us && us > name && us[1]) {     /* W_out -> W_{out} */
        base_name(out, name, (size_t)(us - name));
        sb_puts(out, "_{");
        const char *sub = us + 1;
        size_t m = strlen(sub);
        int digits = 1;
        for (size_t i = 0; i < m; i++)
            digits &= isdigit((unsigned char)sub[i]) != 0;
        if (digits || m == 1)
            sb_puts(out, sub);
        else
            roman(out, sub, m);
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

void latex_label(strbuf *out, const char *label)
{
    const char *slash = strchr(label, '/');
    if (label[0] == 'd' && slash && slash[1] == 'd' && slash > label + 1) {
        char of[256];
        size_t n = (size_t)(slash - label - 1);
        if (n >= sizeof of)
            n = sizeof of - 1;
        memcpy(of, label + 1, n);
        of[n] = '\0';
        sb_puts(out, "\\frac{\\partial ");
        latex_ident(out, of);
        sb_puts(out, "}{\\partial ");
        latex_ident(out, slash + 2);
        sb_putc(out, '}');
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

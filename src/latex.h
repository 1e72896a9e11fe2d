/* latex.h: the LaTeX vocabulary of the printer: names and labels. */
#ifndef ND_LATEX_H
#define ND_LATEX_H

#include "strbuf.h"

/* A program name in math: W1 -> W_{1}, yhat -> \hat{y}, alpha -> \alpha,
 * logits -> \mathrm{logits}, W_out -> W_{\mathrm{out}}. */
void latex_ident(strbuf *out, const char *name);

/* A label "dL/dW" -> \frac{\partial L}{\partial W}; anything else as a name. */
void latex_label(strbuf *out, const char *label);

/* The document around align* lines (amsmath only). */
void latex_document_begin(strbuf *out, const char *title);
void latex_document_end(strbuf *out);

#endif

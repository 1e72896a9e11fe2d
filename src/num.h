/* num.h: exact rationals (GMP mpq) for literals and constant folding. */
#ifndef ND_NUM_H
#define ND_NUM_H

#include <gmp.h>

#include "strbuf.h"

/* Limits that keep folding cheap: a literal has at most this many digits and
 * a decimal exponent of at most this size; a folded power or product is not
 * folded when its result would need more bits than NUM_MAX_BITS. */
#define NUM_MAX_DIGITS 2500    /* a folded constant (NUM_MAX_BITS: 2467 digits) prints and reads back */
#define NUM_MAX_EXP10 400
#define NUM_MAX_BITS 8192

/* Parses a literal (digits, optional fraction, optional exponent) into out.
 * Returns NULL on success, or a message saying why the literal is refused. */
const char *num_parse(mpq_t out, const char *text);

/* Exact power q^k; returns 0 (and leaves out unchanged) when the result would
 * be too big or when q is 0 and k < 0. */
int num_pow(mpq_t out, const mpq_t q, long k);

/* Exact product / sum, refusing results beyond NUM_MAX_BITS (returns 0). */
int num_mul(mpq_t out, const mpq_t a, const mpq_t b);
int num_add(mpq_t out, const mpq_t a, const mpq_t b);

/* Text in the input language: 1e-5, 2.5e-6, 1e6 for an exact m*10^e with
 * at most four digits in m and e < -4 or e >= 6; else a short exact decimal
 * ("0.5", "-3") when there is one, else "p/q".  Sets *is_fraction when the
 * "p/q" form was used. */
void num_format(strbuf *out, const mpq_t q, int *is_fraction);
/* LaTeX: "10^{-5}", "2.5 \cdot 10^{-6}" where text writes 1e-5, 2.5e-6;
 * else the integer or "\frac{p}{q}". */
void num_format_latex(strbuf *out, const mpq_t q);
/* Whether q prints as m*10^e (see num_format), written to out unless NULL
 * (LaTeX's form when latex is set). */
int num_scientific(strbuf *out, const mpq_t q, int latex);
/* The same with m = 1 (10^{-5} in LaTeX: a power, not a product). */
int num_scientific_unit(const mpq_t q);
/* Whether q is a decimal as a user writes one (0.3, 0.00022, 1.00044: a
 * non-integer whose denominator has the factors 2 and 5, which 1/2, 1/4
 * or 1/5 of a derivative do not), in at most 12 characters; written to
 * out unless NULL. */
int num_decimal(strbuf *out, const mpq_t q);
/* The nearest double, as C source that reads back to it exactly. */
void num_format_c(strbuf *out, const mpq_t q);

int num_is_int(const mpq_t q);
int num_fits_long(const mpq_t q, long *v);   /* integer that fits a long */

#endif

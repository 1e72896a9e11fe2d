/* num.c: literals, exact folding with size limits, and printing. */
#include "num.h"

#include <ctype.h>
#include <mpfr.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t num_bits(const mpq_t q)
{
    return mpz_sizeinbase(mpq_numref(q), 2) + mpz_sizeinbase(mpq_denref(q), 2);
}

/* 10^e as a rational, e may be negative. */
static void pow10_q(mpq_t out, long e)
{
    mpz_t p;
    mpz_init(p);
    mpz_ui_pow_ui(p, 10, (unsigned long)(e < 0 ? -e : e));
    mpq_set_z(out, p);
    if (e < 0)
        mpq_inv(out, out);
    mpz_clear(p);
}

/* The digits are counted before any is converted: a literal of a million
 * digits is refused at once instead of after a million multiplications. */
const char *num_parse(mpq_t out, const char *text)
{
    long frac = 0, exp10 = 0;
    size_t digits = 0;
    int after_point = 0;
    const char *p = text;
    for (; isdigit((unsigned char)*p) || *p == '.'; p++) {
        if (*p == '.') {
            after_point = 1;
        } else {
            digits++;
            frac += after_point;
        }
    }
    if (*p == 'e' || *p == 'E') {
        char *end;
        long e = strtol(p + 1, &end, 10);
        if (end == p + 1 || e > NUM_MAX_EXP10 || e < -NUM_MAX_EXP10)
            return "number too large (the exponent is limited to 400)";
        exp10 = e;
    }
    if (digits > NUM_MAX_DIGITS)
        return "number has too many digits (the limit is 2500)";
    mpz_t mant;
    mpz_init(mant);
    for (const char *d = text; d < p; d++) {
        if (*d != '.') {
            mpz_mul_ui(mant, mant, 10);
            mpz_add_ui(mant, mant, (unsigned long)(*d - '0'));
        }
    }
    mpq_t scale;
    mpq_init(scale);
    pow10_q(scale, exp10 - frac);
    mpq_set_z(out, mant);
    mpq_mul(out, out, scale);
    mpq_canonicalize(out);
    mpq_clear(scale);
    mpz_clear(mant);
    return NULL;
}

int num_pow(mpq_t out, const mpq_t q, long k)
{
    if (mpq_sgn(q) == 0)
        return k > 0 ? (mpq_set_ui(out, 0, 1), 1) : k == 0 ? (mpq_set_ui(out, 1, 1), 1) : 0;
    unsigned long ak = (unsigned long)(k < 0 ? -k : k);
    if (ak > NUM_MAX_BITS || num_bits(q) * ak > NUM_MAX_BITS + 64)
        return 0;
    mpz_t n, d;
    mpz_inits(n, d, NULL);
    mpz_pow_ui(n, mpq_numref(q), ak);
    mpz_pow_ui(d, mpq_denref(q), ak);
    mpq_set_num(out, k < 0 ? d : n);
    mpq_set_den(out, k < 0 ? n : d);
    mpq_canonicalize(out);
    mpz_clears(n, d, NULL);
    return 1;
}

int num_mul(mpq_t out, const mpq_t a, const mpq_t b)
{
    if (num_bits(a) + num_bits(b) > NUM_MAX_BITS)
        return 0;
    mpq_mul(out, a, b);
    return 1;
}

int num_add(mpq_t out, const mpq_t a, const mpq_t b)
{
    if (num_bits(a) + num_bits(b) > NUM_MAX_BITS)
        return 0;
    mpq_add(out, a, b);
    return 1;
}

int num_is_int(const mpq_t q)
{
    return mpz_cmp_ui(mpq_denref(q), 1) == 0;
}

int num_fits_long(const mpq_t q, long *v)
{
    if (!num_is_int(q) || !mpz_fits_slong_p(mpq_numref(q)))
        return 0;
    *v = mpz_get_si(mpq_numref(q));
    return 1;
}

/* Digits after the point of q's exact decimal, or -1 when it has none
 * (its denominator has a prime factor other than 2 and 5). */
static long decimal_places(const mpq_t q)
{
    mpz_t d, f;
    mpz_init_set(d, mpq_denref(q));
    mpz_init_set_ui(f, 2);
    long twos = (long)mpz_remove(d, d, f);
    mpz_set_ui(f, 5);
    long fives = (long)mpz_remove(d, d, f);
    int ok = mpz_cmp_ui(d, 1) == 0;
    mpz_clears(d, f, NULL);
    return ok ? (twos > fives ? twos : fives) : -1;
}

/* The decimal text of q when it is exact and at most `max` characters. */
static int decimal_text(strbuf *out, const mpq_t q, size_t max)
{
    long places = decimal_places(q);
    if (places < 0)
        return 0;
    mpz_t v, p10;
    mpz_inits(v, p10, NULL);
    mpz_ui_pow_ui(p10, 10, (unsigned long)places);
    mpz_mul(v, mpq_numref(q), p10);
    mpz_divexact(v, v, mpq_denref(q));
    int neg = mpz_sgn(v) < 0;
    mpz_abs(v, v);
    char *digits = mpz_get_str(NULL, 10, v);
    size_t nd = strlen(digits);
    int ok = nd + 3 <= max;
    if (ok) {
        if (neg)
            sb_putc(out, '-');
        if (places == 0) {
            sb_puts(out, digits);
        } else if ((long)nd <= places) {
            sb_puts(out, "0.");
            for (long i = (long)nd; i < places; i++)
                sb_putc(out, '0');
            sb_puts(out, digits);
        } else {
            sb_putn(out, digits, nd - (size_t)places);
            sb_putc(out, '.');
            sb_puts(out, digits + nd - (size_t)places);
        }
    }
    void (*freefunc)(void *, size_t);
    mp_get_memory_functions(NULL, NULL, &freefunc);
    freefunc(digits, nd + 1);
    mpz_clears(v, p10, NULL);
    return ok;
}

static void put_mpz(strbuf *out, const mpz_t z)
{
    char *s = mpz_get_str(NULL, 10, z);
    sb_puts(out, s);
    void (*freefunc)(void *, size_t);
    mp_get_memory_functions(NULL, NULL, &freefunc);
    freefunc(s, strlen(s) + 1);
}

/* q as m * 10^e, the way people write 1e-5, 2.5e-6 or 1e6: when q is an
 * exact decimal whose digits (trailing zeros dropped) are at most four and
 * e < -4 or e >= 6 (printf's %g switches at the first).  digits gets m's
 * digits without the point, *exp10 gets e. */
static int scientific_parts(const mpq_t q, mpz_t digits, long *exp10)
{
    long places = decimal_places(q);
    if (places < 0 || mpq_sgn(q) == 0)
        return 0;
    mpz_t p10;
    mpz_init(p10);
    mpz_ui_pow_ui(p10, 10, (unsigned long)places);
    mpz_mul(digits, mpq_numref(q), p10);
    mpz_divexact(digits, digits, mpq_denref(q));
    mpz_abs(digits, digits);
    mpz_clear(p10);
    while (mpz_divisible_ui_p(digits, 10)) {
        mpz_divexact_ui(digits, digits, 10);
        places--;
    }
    size_t nd = mpz_sizeinbase(digits, 10);
    if (nd > 1 && mpz_cmp_ui(digits, 1) >= 0) {     /* sizeinbase may be one over */
        mpz_t lo;
        mpz_init(lo);
        mpz_ui_pow_ui(lo, 10, nd - 1);
        if (mpz_cmp(digits, lo) < 0)
            nd--;
        mpz_clear(lo);
    }
    *exp10 = (long)nd - 1 - places;
    return nd <= 4 && (*exp10 < -4 || *exp10 >= 6);
}

/* The mantissa of scientific_parts: "2.5" from digits 25. */
static void put_mantissa(strbuf *out, const mpz_t digits)
{
    char *s = mpz_get_str(NULL, 10, digits);
    sb_putc(out, s[0]);
    if (s[1]) {
        sb_putc(out, '.');
        sb_puts(out, s + 1);
    }
    void (*freefunc)(void *, size_t);
    mp_get_memory_functions(NULL, NULL, &freefunc);
    freefunc(s, strlen(s) + 1);
}

int num_scientific(strbuf *out, const mpq_t q, int latex)
{
    mpz_t digits;
    mpz_init(digits);
    long e;
    int yes = scientific_parts(q, digits, &e);
    if (yes && out) {
        if (mpq_sgn(q) < 0)
            sb_putc(out, '-');
        if (!latex) {
            put_mantissa(out, digits);
            sb_printf(out, "e%ld", e);
        } else {
            if (mpz_cmp_ui(digits, 1) != 0) {
                put_mantissa(out, digits);
                sb_puts(out, " \\cdot ");
            }
            sb_printf(out, "10^{%ld}", e);
        }
    }
    mpz_clear(digits);
    return yes;
}

int num_scientific_unit(const mpq_t q)
{
    mpz_t digits;
    mpz_init(digits);
    long e;
    int yes = scientific_parts(q, digits, &e) && mpz_cmp_ui(digits, 1) == 0;
    mpz_clear(digits);
    return yes;
}

void num_format(strbuf *out, const mpq_t q, int *is_fraction)
{
    if (is_fraction)
        *is_fraction = 0;
    if (num_scientific(out, q, 0))
        return;
    if (num_is_int(q) || decimal_text(out, q, 12)) {
        if (num_is_int(q))
            put_mpz(out, mpq_numref(q));
        return;
    }
    put_mpz(out, mpq_numref(q));
    sb_putc(out, '/');
    put_mpz(out, mpq_denref(q));
    if (is_fraction)
        *is_fraction = 1;
}

int num_decimal(strbuf *out, const mpq_t q)
{
    mpz_t r;
    mpz_init(r);
    int yes = !num_is_int(q) && mpz_fdiv_r_ui(r, mpq_denref(q), 10) == 0;
    mpz_clear(r);
    if (!yes)
        return 0;
    strbuf b;
    sb_init(&b);
    yes = decimal_text(&b, q, 12);
    if (yes && out)
        sb_puts(out, sb_str(&b));
    sb_free(&b);
    return yes;
}

void num_format_latex(strbuf *out, const mpq_t q)
{
    if (num_scientific(out, q, 1) || num_decimal(out, q))
        return;
    if (num_is_int(q)) {
        put_mpz(out, mpq_numref(q));
        return;
    }
    if (mpq_sgn(q) < 0)
        sb_putc(out, '-');
    sb_puts(out, "\\frac{");
    mpz_t a;
    mpz_init(a);
    mpz_abs(a, mpq_numref(q));
    put_mpz(out, a);
    mpz_clear(a);
    sb_puts(out, "}{");
    put_mpz(out, mpq_denref(q));
    sb_putc(out, '}');
}

void num_format_c(strbuf *out, const mpq_t q)
{
    mpfr_t x;
    mpfr_init2(x, 53);
    mpfr_set_q(x, q, MPFR_RNDN);
    double d = mpfr_get_d(x, MPFR_RNDN);
    mpfr_clear(x);
    char buf[64];
    snprintf(buf, sizeof buf, "%.17g", d);
    sb_puts(out, buf);
    if (!strpbrk(buf, ".eEni"))
        sb_puts(out, ".0");
}

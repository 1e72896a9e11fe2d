/* randprog.c: the generator (see randprog.h). */
#include "randprog.h"

#include <string.h>

/* Shapes: scalar, n-vector, m-vector, n-row, n x n, m x n. */
enum shp { S, VN, VM, RN, MNN, MMN, N_SHAPES };

typedef struct gen {
    uint64_t s;
    strbuf *out;
    const char *bound[N_SHAPES][4];     /* named intermediates by shape */
    int n_bound[N_SHAPES];
} gen;

static uint64_t next(gen *g)
{
    uint64_t z = (g->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static int pick(gen *g, int n)
{
    return (int)(next(g) % (uint64_t)n);
}

/* Productions: %s (scalar) %v (n-vector) %u (m-vector) %r (n-row)
 * %A (n x n) %M (m x n) %f (a smooth function name). */
static const char *const rules[N_SHAPES][18] = {
    [S] = { "(%v'*%v)", "sum(%v)", "sum(%M)", "tr(%A)", "norm2(%v)", "norm(%u)", "mean(%A)",
            "logsumexp(%v)", "(%s + %s)", "(%s - %s)", "(%s*%s)", "(%s/(1 + %s^2))", "%f(%s)",
            "(%s)^2", "(%r*%v)", "logdet(eye(n) + %A*%A')", "crossentropy(%v, softmax(%v))",
            "(%v'*%A*%v)" },
    [VN] = { "(%A*%v)", "(%M'*%u)", "(%s*%v)", "(%v + %v)", "(%v - %s)", "(%v .* %v)",
             "(%v ./ (1 + %v.^2))", "%f(%v)", "softmax(%v)", "logsoftmax(%v)", "diag(%A)",
             "(%v.^2)", "(%r')", "(inv(eye(n) + %A*%A')*%v)", "log(1 + %v.^2)",
             "sqrt(1 + %v.^2)", "(%s - %v)", "(2*%v/3)" },
    [VM] = { "(%M*%v)", "(%s*%u)", "%f(%u)", "(%u + %u)", "(%u .* %u)", "(%u - 1)" },
    [RN] = { "(%v')", "(%u'*%M)", "(%r*%A)", "(%s*%r)", "%f(%r)" },
    [MNN] = { "(%A')", "(%A*%A)", "(%v*%v')", "(%M'*%M)", "(%s*%A)", "(%A + %A)", "(%A + %v)",
              "(%A .* %A)", "%f(%A)", "eye(n)", "diag(%v)", "(%A^2)", "inv(eye(n) + %A*%A')",
              "(%A + %r)", "(%A - %s)", "(%A*%A')" },
    [MMN] = { "(%M*%A)", "(%u*%v')", "(%s*%M)", "%f(%M)", "(%M + %u)", "(%M .* %M)",
              "(%M - %r)" },
};

static const char *const leaves[N_SHAPES][3] = {
    [S] = { "a", "b", "0.5" }, [VN] = { "x", "y", "x" }, [VM] = { "u", "u", "u" },
    [RN] = { "x'", "y'", "x'" }, [MNN] = { "A", "B", "A'" }, [MMN] = { "M", "M", "M" },
};

static const char *const functions[] = {
    "tanh", "sigmoid", "sin", "cos", "arctan", "softplus", "swish", "exp", "abs", "relu",
};

static int count_rules(enum shp s)
{
    int n = 0;
    while (n < 18 && rules[s][n])
        n++;
    return n;
}

static void expr(gen *g, enum shp s, int depth);

static void leaf(gen *g, enum shp s)
{
    if (g->n_bound[s] && pick(g, 3) == 0)
        sb_puts(g->out, g->bound[s][pick(g, g->n_bound[s])]);
    else
        sb_puts(g->out, leaves[s][pick(g, 3)]);
}

static void expand(gen *g, const char *rule, int depth)
{
    for (const char *p = rule; *p; p++) {
        if (*p != '%') {
            sb_putc(g->out, *p);
            continue;
        }
        switch (*++p) {
        case 's': expr(g, S, depth - 1); break;
        case 'v': expr(g, VN, depth - 1); break;
        case 'u': expr(g, VM, depth - 1); break;
        case 'r': expr(g, RN, depth - 1); break;
        case 'A': expr(g, MNN, depth - 1); break;
        case 'M': expr(g, MMN, depth - 1); break;
        default:
            sb_puts(g->out, functions[pick(g, (int)(sizeof functions / sizeof *functions))]);
        }
    }
}

static void expr(gen *g, enum shp s, int depth)
{
    if (depth <= 0 || pick(g, 4) == 0)
        leaf(g, s);
    else
        expand(g, rules[s][pick(g, count_rules(s))], depth);
}

static const char *const names[] = { "t1", "t2", "t3" };

void randprog(uint64_t seed, int depth, strbuf *out)
{
    gen g;
    memset(&g, 0, sizeof g);
    g.s = seed * 0x2545f4914f6cdd1dull + 1;
    g.out = out;
    sb_puts(out, "a, b : scalar\nx, y : vector(n)\nu : vector(m)\n"
                 "A, B : matrix(n, n)\nM : matrix(m, n)\n");
    int nb = pick(&g, 3);
    for (int i = 0; i < nb; i++) {
        enum shp s = (enum shp)pick(&g, N_SHAPES);
        sb_printf(out, "%s = ", names[i]);
        expr(&g, s, depth);
        sb_putc(out, '\n');
        g.bound[s][g.n_bound[s]++] = names[i];
    }
    sb_puts(out, "L = ");
    expand(&g, rules[S][pick(&g, count_rules(S))], depth);
    sb_puts(out, " + a\n");    /* never constant: there is something to differentiate */
}

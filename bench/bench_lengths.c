/* bench_lengths.c: the length table of bench/RESULTS.md: each Matrix
 * Cookbook identity of the tests and each seed example, the gradient as
 * nnderive prints it against the textbook's form, in characters without
 * spaces.  Prints a Markdown table.
 *
 *   build/bench/bench_lengths */
#include <stdio.h>

#include "../tests/identities.h"
#include "../tests/lengths.h"

struct example {
    const char *file, *textbook;
};

/* The seed examples' gradients as examples/NAME.grad writes them. */
static const struct example examples[] = {
    { "examples/autoencoder.nd", "W*(x*r' + r*x')" },
    { "examples/autoencoder_tanh.nd", "e = (1 - xhat.^2).*(xhat - x); h*e' + ((1 - h.^2).*(W*e))*x'" },
    { "examples/two_layer_swish.nd",
      "dz1 = (W2'*(yhat - y)).*(sigmoid(z1) + z1.*sigmoid(z1).*(1 - sigmoid(z1))); "
      "dz1*x'; dz1; (yhat - y)*h1'; yhat - y" },
};

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void row(const char *name, const char *program, const char *textbook, double *worst,
                double *sum, int *count)
{
    char *printed = NULL;
    size_t d = derived_length(program, &printed), t = nonspace(textbook, strlen(textbook));
    double ratio = (double)d / (double)t;
    for (char *c = printed; c && *c; c++)     /* one line in the table */
        if (*c == '\n')
            *c = c[1] ? ';' : '\0';
    printf("| %s | `%s` | `%s` | %zu | %zu | %.2f |\n", name, printed ? printed : "(error)",
           textbook, d, t, ratio);
    nd_free(printed);
    *worst = ratio > *worst ? ratio : *worst;
    *sum += ratio;
    (*count)++;
}

int main(void)
{
    double worst = 0, sum = 0;
    int count = 0;
    printf("| identity | nnderive prints | textbook | derived | textbook | ratio |\n");
    printf("|---|---|---|---|---|---|\n");
    for (size_t i = 0; i < N_IDENTITIES; i++)
        row(identities[i].name, identities[i].program, identities[i].answer, &worst, &sum, &count);
    for (size_t i = 0; i < sizeof examples / sizeof *examples; i++) {
        char *text = slurp(examples[i].file);
        if (text)
            row(examples[i].file, text, examples[i].textbook, &worst, &sum, &count);
    }
    printf("\n%d rows; worst ratio %.2f, mean %.2f\n", count, worst, sum / count);
    return 0;
}

/* cg_abi.c: the generated file's interface: the eval function around the
 * code of the groups (its declarations from the usage flags the code set),
 * the workspace size, the typed wrapper, the counts and names, and the
 * header. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "cg_emit.h"
#include "scope.h"
#include "version.h"
#include "shape.h"

/* ---- the functions of the ABI ---- */

/* A slot's size: the largest of its buffers' sizes (distinct ones only). */
static void slot_size(cg_emitter *E, int slot, strbuf *out)
{
    cg_plan *p = E->p;
    int count = 0;
    for (int b = E->slot_head[slot]; b >= 0; b = E->slot_next[b])
        count++;
    char **sizes = xmalloc(((size_t)count + 1) * sizeof *sizes);
    int n = 0;
    for (int b = E->slot_head[slot]; b >= 0; b = E->slot_next[b]) {
        strbuf one;
        sb_init(&one);
        cg_size_text(E, p->buf[b].shape, &one);
        int dup = 0;
        for (int k = 0; k < n && !dup; k++)
            dup = !strcmp(sizes[k], sb_str(&one));
        if (dup)
            sb_free(&one);
        else
            sizes[n++] = one.s;
    }
    for (int k = 0; k + 1 < n; k++) {
        E->helpers |= 1u << CGH_max;
        sb_printf(out, "nd__max(%s, ", sizes[k]);
    }
    sb_puts(out, n ? sizes[n - 1] : "0");
    for (int k = 0; k + 1 < n; k++)
        sb_putc(out, ')');
    for (int k = 0; k < n; k++)
        free(sizes[k]);
    free(sizes);
}

static void work_total(cg_emitter *E, strbuf *out)
{
    if (!E->p->n_slots)
        sb_putc(out, '0');
    for (int s = 0; s < E->p->n_slots; s++) {
        if (s)
            sb_puts(out, " + ");
        slot_size(E, s, out);
    }
}

/* off[s]: where slot s starts, each from the one before (linear text). */
static void offsets(cg_emitter *E, strbuf *out)
{
    int n = E->p->n_slots;
    if (!E->uses_offsets)
        return;
    cg_line(out, 1, "size_t off[%d];", n);
    cg_line(out, 1, "off[0] = 0;");
    for (int s = 1; s < n; s++) {
        strbuf sz;
        sb_init(&sz);
        slot_size(E, s - 1, &sz);
        cg_line(out, 1, "off[%d] = off[%d] + %s;", s, s - 1, sb_str(&sz));
        sb_free(&sz);
    }
}

/* "const long m = dims[0];" for each dimension the code uses. */
static void dim_locals(cg_emitter *E, strbuf *out)
{
    for (int d = 0; d < E->p->n_dims; d++)
        if (E->used_dim[dim_find(E->ctx, E->p->dims[d])]) {
            E->uses |= U_DIMS;
            cg_line(out, 1, "const long %s = dims[%d];", E->dim_c[E->p->dims[d]], d);
        }
}

static void eval_locals(cg_emitter *E, strbuf *out)
{
    cg_plan *p = E->p;
    nd_ctx *ctx = E->ctx;
    dim_locals(E, out);
    for (int v = 0, k = 0; v < ctx->scope->n_vars; v++) {     /* k: its place in in[] */
        if (ctx->scope->vars[v].origin < 0 && E->used_var[v]) {
            E->uses |= U_IN;
            cg_line(out, 1, "const double *const restrict %s = in[%d];", E->var_c[v], k);
        }
        k += ctx->scope->vars[v].origin < 0;   /* NAME_hvp's v_x come after --colmajor's copies */
    }
    for (int g = 0; g < p->n_grads; g++)
        if (E->used_grad[g]) {
            E->uses |= U_GRAD;
            cg_line(out, 1, "double *const restrict %s = grad[%d];", cg_grad_name(E, g), g);
        }
}

/* need: bit 0 the objective (always), bit g + 1 whether grad[g] is wanted. */
static void need_decl(cg_emitter *E, strbuf *out)
{
    int n = E->p->n_grads, words = cg_need_words(E->p);
    if (n)
        E->uses |= U_GRAD;
    if (words == 1)
        sb_puts(out, "    const unsigned need = 1u");
    else
        sb_printf(out, "    const unsigned need[%d] = {\n        1u", words);
    for (int g = 0; g < n; g++) {
        int w = (g + 1) / 32, b = (g + 1) % 32;
        if (words > 1 && w && !b)   /* the first of word w */
            sb_printf(out, ",\n        (grad[%d] ? %#xu : 0u)", g, 1u);
        else
            sb_printf(out, " | (grad[%d] ? %#xu : 0u)", g, 1u << b);
    }
    sb_puts(out, words == 1 ? ";\n" : "\n    };\n");
}

/* The declarations of the locals the code names (E->uses). */
static void eval_scratch(cg_emitter *E, strbuf *out)
{
    cg_plan *p = E->p;
    if (E->uses & U_NEED)
        need_decl(E, out);
    static const char *const ints[] = { "i", "j", "k" },
                      *const reals[] = { "acc", "vi", "aik", "acc0", "acc1", "acc2", "acc3" };
    static const unsigned int_use[] = { U_I, U_J, U_K },
                          real_use[] = { U_ACC, U_VI, U_AIK, U_ACC4, U_ACC4, U_ACC4, U_ACC4 };
    for (int pass = 0; pass < 2; pass++) {
        const char *const *names = pass ? reals : ints;
        const unsigned *use = pass ? real_use : int_use;
        int any = 0;
        for (int k = 0; k < (pass ? 7 : 3); k++)
            if (E->uses & use[k])
                sb_printf(out, "%s%s", any++ ? ", " : pass ? "    double " : "    long ", names[k]);
        if (any)
            sb_puts(out, ";\n");
    }
    for (int s = 0; s < p->n_scalars; s++)
        sb_printf(out, "%s s%d = 0.0", s ? "," : "    double", s);
    if (p->n_scalars)
        sb_puts(out, ";\n");
    int locals = 0;
    for (int b = 0; b < p->n_buf; b++)
        if (E->used_local[b])   /* set and read under separate guards: initialized */
            sb_printf(out, "%s r%d = 0.0", locals++ ? "," : "    double", b);
    if (locals)
        sb_puts(out, ";\n");
}

/* (void) for the parameters the function does not use. */
static void unused(cg_emitter *E, strbuf *out)
{
    static const char *const params[] = { "dims", "in", "grad", "work" };
    static const unsigned use[] = { U_DIMS, U_IN, U_GRAD, U_WORK };
    for (int k = 0; k < 4; k++)
        if (!(E->uses & use[k]))
            cg_line(out, 1, "(void)%s;", params[k]);
}

static void clear_usage(cg_emitter *E)
{
    nd_ctx *ctx = E->ctx;
    memset(E->used_var, 0, (size_t)ctx->scope->n_vars + 1);
    memset(E->used_dim, 0, (size_t)ctx->dimtab->n_dims + 1);
    memset(E->used_grad, 0, (size_t)E->p->n_grads + 1);
    memset(E->used_local, 0, (size_t)E->p->n_buf + 1);
    E->uses_offsets = 0;
    E->uses = 0;
}

static void eval_function(cg_emitter *E, strbuf *out)
{
    strbuf code, result, decl, offs;
    sb_init(&code);
    sb_init(&result);
    sb_init(&decl);
    sb_init(&offs);
    clear_usage(E);
    cg_groups(E, &code);
    cg_elem(E, E->p->objective, "0", "0", &result);
    sb_printf(&code, "    return %s;\n", sb_str(&result));
    offsets(E, &offs);      /* names dimensions too: before their declarations */
    eval_locals(E, &decl);
    eval_scratch(E, &decl);
    strbuf all;
    sb_init(&all);
    sb_printf(&all, "%s%s%s", sb_str(&decl), sb_str(&offs), sb_str(&code));
    sb_free(&offs);
    sb_printf(out, "\ndouble %s_eval(const long *dims, const double *const *in, "
                   "double *const *grad, double *work)\n{\n", E->name);
    unused(E, out);
    sb_puts(out, sb_str(&all));
    sb_puts(out, "}\n");
    sb_free(&code);
    sb_free(&result);
    sb_free(&decl);
    sb_free(&all);
}

static void work_size_function(cg_emitter *E, strbuf *out)
{
    strbuf total, decl;
    sb_init(&total);
    sb_init(&decl);
    clear_usage(E);
    work_total(E, &total);
    dim_locals(E, &decl);
    sb_printf(out, "\nsize_t %s_work_size(const long *dims)\n{\n", E->name);
    if (!decl.len)
        cg_line(out, 1, "(void)dims;");
    sb_printf(out, "%s    return %s;\n}\n", sb_str(&decl), sb_str(&total));
    sb_free(&total);
    sb_free(&decl);
}

/* double NAME(long m, long n, const double *W, ..., double *grad_W, double *work) */
static void typed_signature(cg_emitter *E, strbuf *out)
{
    cg_plan *p = E->p;
    nd_ctx *ctx = E->ctx;
    sb_printf(out, "double %s(", E->name);
    for (int d = 0; d < p->n_dims; d++)
        sb_printf(out, "long %s, ", E->dim_c[p->dims[d]]);
    for (int v = 0; v < ctx->scope->n_vars; v++)
        if (ctx->scope->vars[v].origin < 0)
            sb_printf(out, "const double *%s, ", E->var_c[v]);
    for (int g = 0; g < p->n_grads; g++)
        sb_printf(out, "double *%s, ", cg_grad_name(E, g));
    sb_puts(out, "double *work)");
}

static int n_inputs(nd_ctx *ctx)
{
    int n = 0;
    for (int v = 0; v < ctx->scope->n_vars; v++)
        n += ctx->scope->vars[v].origin < 0;
    return n;
}

static void typed_function(cg_emitter *E, strbuf *out)
{
    cg_plan *p = E->p;
    nd_ctx *ctx = E->ctx;
    int ni = n_inputs(ctx);
    sb_putc(out, '\n');
    typed_signature(E, out);
    sb_puts(out, "\n{\n");
    if (p->n_dims) {
        sb_printf(out, "    const long dims[%d] = {", p->n_dims);
        for (int d = 0; d < p->n_dims; d++)
            sb_printf(out, "%s %s", d ? "," : "", E->dim_c[p->dims[d]]);
        sb_puts(out, " };\n");
    }
    if (ni) {
        sb_printf(out, "    const double *in[%d] = {", ni);
        for (int v = 0, k = 0; v < ctx->scope->n_vars; v++)
            if (ctx->scope->vars[v].origin < 0)
                sb_printf(out, "%s %s", k++ ? "," : "", E->var_c[v]);
        sb_puts(out, " };\n");
    }
    if (p->n_grads) {
        sb_printf(out, "    double *grad[%d] = {", p->n_grads);
        for (int g = 0; g < p->n_grads; g++)
            sb_printf(out, "%s %s", g ? "," : "", cg_grad_name(E, g));
        sb_puts(out, " };\n");
    }
    sb_printf(out, "    return %s_eval(%s, %s, %s, work);\n}\n", E->name, p->n_dims ? "dims" : "NULL",
              ni ? "in" : "NULL", p->n_grads ? "grad" : "NULL");
}

static void name_list(strbuf *out, const char *prefix, const char *what, const char **names, int n)
{
    sb_printf(out, "const char *const %s_%s_names[%d] = {", prefix, what, n ? n : 1);
    for (int k = 0; k < n; k++)
        sb_printf(out, "%s \"%s\"", k ? "," : "", names[k]);
    sb_puts(out, n ? " };\n" : " 0 };\n");
}

static void counts_and_names(cg_emitter *E, strbuf *out)
{
    cg_plan *p = E->p;
    nd_ctx *ctx = E->ctx;
    int ni = n_inputs(ctx);
    const char **names = xmalloc(((size_t)ctx->scope->n_vars + (size_t)p->n_dims + 1) * sizeof *names);
    sb_printf(out, "\nconst int %s_n_dims = %d, %s_n_in = %d, %s_n_grad = %d;\n", E->name,
              p->n_dims, E->name, ni, E->name, p->n_grads);
    for (int d = 0; d < p->n_dims; d++)
        names[d] = dim_name(ctx, p->dims[d]);
    name_list(out, E->name, "dim", names, p->n_dims);
    for (int v = 0, k = 0; v < ctx->scope->n_vars; v++)
        if (ctx->scope->vars[v].origin < 0)
            names[k++] = ctx->scope->vars[v].name;
    name_list(out, E->name, "in", names, ni);
    names = xrealloc(names, ((size_t)p->n_grads + 1) * sizeof *names);
    strbuf one;
    sb_init(&one);
    for (int g = 0; g < p->n_grads; g++) {
        sb_clear(&one);
        cg_out_name(p, g, &one);
        names[g] = arena_strdup(ctx->arena, sb_str(&one));
    }
    sb_free(&one);
    name_list(out, E->name, "grad", names, p->n_grads);
    free(names);
}

static void prototypes(cg_emitter *E, strbuf *out)
{
    const char *n = E->name;
    sb_printf(out, "size_t %s_work_size(const long *dims);\n", n);
    sb_printf(out, "double %s_eval(const long *dims, const double *const *in, "
                   "double *const *grad, double *work);\n", n);
    typed_signature(E, out);
    sb_puts(out, ";\n");
    sb_printf(out, "extern const int %s_n_dims, %s_n_in, %s_n_grad;\n", n, n, n);
    sb_printf(out, "extern const char *const %s_dim_names[], *const %s_in_names[],\n"
                   "    *const %s_grad_names[];\n", n, n, n);
}

/* The header of the parts' prototypes. */
static void header_file(const char *name, const cg_part *parts, int n, strbuf *out)
{
    strbuf guard;
    sb_init(&guard);
    for (const char *c = name; *c; c++)
        sb_putc(&guard, (char)toupper((unsigned char)*c));
    sb_printf(out, "/* %s.h: generated by nnderive %s; do not edit. */\n", name, ND_VERSION);
    sb_printf(out, "#ifndef %s_H\n#define %s_H\n\n#include <stddef.h>\n\n", sb_str(&guard),
              sb_str(&guard));
    sb_puts(out, "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n");
    for (int k = 0; k < n; k++)
        sb_puts(out, sb_str(&parts[k].protos));
    sb_puts(out, "\n#ifdef __cplusplus\n}\n#endif\n#endif\n");
    sb_free(&guard);
}

/* What the outputs are, for the file's first comment. */
static const char *outputs_text(const cg_plan *p)
{
    static const char *const what[][2] = {
        { "its gradients", "its gradient" }, { "its Jacobians", "its Jacobian" },
        { "its Hessian's blocks", "its Hessian" }, { "H*v", "H*v" },
    };
    return what[p->kind][p->n_grads == 1];
}

static void source_file(const cg_plan *p, cg_part *parts, int n, strbuf *out)
{
    sb_printf(out, "/* Generated by nnderive %s from %s: the objective %s and %s%s.\n"
                   " * Storage is %s; outputs must not overlap the inputs or each other.\n"
                   " * Do not edit. */\n", ND_VERSION, p->ctx->src->name,
              p->ctx->scope->binds[p->prog->objective].name, outputs_text(p),
              n > 1 ? " (and H*v)" : "",
              p->opt->colmajor ? "column-major: entry (i, j) of an m x n matrix at i + j*m"
                               : "row-major: entry (i, j) of an m x n matrix at i*n + j");
    sb_puts(out, "#include <math.h>\n#include <stddef.h>\n");
    if (p->opt->blas)
        sb_puts(out, "#include <cblas.h>\n");
    sb_putc(out, '\n');
    for (int k = 0; k < n; k++)
        sb_puts(out, sb_str(&parts[k].protos));
    cg_emitter E;       /* the helpers of all the parts, once */
    memset(&E, 0, sizeof E);
    for (int k = 0; k < n; k++)
        E.helpers |= parts[k].helpers;
    cg_write_helpers(&E, out);
    for (int k = 0; k < n; k++)
        sb_puts(out, sb_str(&parts[k].code));
}

static void names_of(cg_emitter *E)
{
    nd_ctx *ctx = E->ctx;
    E->used_var = xmalloc((size_t)ctx->scope->n_vars + 1);
    E->used_dim = xmalloc((size_t)ctx->dimtab->n_dims + 1);
    E->used_grad = xmalloc((size_t)E->p->n_grads + 1);
    E->used_buf = xmalloc((size_t)E->p->n_buf + 1);
    E->used_local = xmalloc((size_t)E->p->n_buf + 1);
    memset(E->used_buf, 0, (size_t)E->p->n_buf + 1);
    E->group_buf = xmalloc(((size_t)E->p->n_buf + 1) * sizeof *E->group_buf);
    E->slot_head = xmalloc(((size_t)E->p->n_slots + 1) * sizeof *E->slot_head);
    E->slot_next = xmalloc(((size_t)E->p->n_buf + 1) * sizeof *E->slot_next);
    for (int s = 0; s < E->p->n_slots; s++)
        E->slot_head[s] = -1;
    for (int b = E->p->n_buf; b-- > 0;)
        if (E->p->buf[b].slot >= 0) {
            E->slot_next[b] = E->slot_head[E->p->buf[b].slot];
            E->slot_head[E->p->buf[b].slot] = b;
        }
    E->var_c = xmalloc(((size_t)ctx->scope->n_vars + 1) * sizeof *E->var_c);
    E->dim_c = xmalloc(((size_t)ctx->dimtab->n_dims + 1) * sizeof *E->dim_c);
    E->grad_c = xmalloc(((size_t)E->p->n_grads + 1) * sizeof *E->grad_c);
    cg_names(E->p, E->name, E->var_c, E->dim_c, E->grad_c);
}

void cg_emit_part(cg_plan *p, cg_part *part)
{
    cg_emitter E;
    memset(&E, 0, sizeof E);
    E.p = p;
    E.ctx = p->ctx;
    E.name = p->opt->name;
    names_of(&E);
    sb_init(&part->protos);
    sb_init(&part->code);
    prototypes(&E, &part->protos);
    counts_and_names(&E, &part->code);
    work_size_function(&E, &part->code);
    eval_function(&E, &part->code);
    typed_function(&E, &part->code);
    part->helpers = E.helpers;
    const char *bug = NULL;     /* raised once the emitter is freed */
    if (E.bug) {
        bug = arena_strdup(p->ctx->arena, E.bug);
        free(E.bug);
    }
    free(E.var_c);
    free(E.dim_c);
    free(E.grad_c);
    free(E.used_var);
    free(E.used_dim);
    free(E.used_grad);
    free(E.used_buf);
    free(E.group_buf);
    free(E.slot_head);
    free(E.slot_next);
    free(E.used_local);
    if (bug) {
        cg_part_free(part);
        diag_fail(p->ctx, (nd_loc){ 0, 0, 0, 0, NULL },
                  "internal error in the C generator: %s (please report)", bug);
    }
}

void cg_part_free(cg_part *part)
{
    sb_free(&part->protos);
    sb_free(&part->code);
}

void cg_emit_file(const cg_plan *p, cg_part *parts, int n, int header_only, strbuf *out)
{
    if (header_only)
        header_file(p->opt->name, parts, n, out);
    else
        source_file(p, parts, n, out);
}

void cg_emit(cg_plan *p, int header_only, strbuf *out)
{
    cg_part part;
    cg_emit_part(p, &part);
    cg_emit_file(p, &part, 1, header_only, out);
    cg_part_free(&part);
}

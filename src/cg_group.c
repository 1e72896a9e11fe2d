/* cg_group.c: the instructions in order: scalars, helper calls and fused
 * row loops, each under the guard of the outputs that need it, each group
 * in a block that declares the workspace buffers it uses. */
#include <stdlib.h>
#include <string.h>

#include "cg_emit.h"
#include "mk.h"
#include "ops.h"

/* ---- scalars and helpers ---- */

static void scalar_ins(cg_emitter *E, const cg_ins *in, strbuf *out, int ind)
{
    strbuf e;
    sb_init(&e);
    E->self = in->node;
    cg_elem(E, in->node, "0", "0", &e);
    E->self = NULL;
    cg_line(out, ind, "s%d = %s;", cg_val(E->p, in->node)->index, sb_str(&e));
    sb_free(&e);
}

/* A helper's operand: an array, or a scalar's address (a 1 x 1 matrix
 * whose shape became scalar only after its operation was built). */
static void text_of(cg_emitter *E, const nd_node *n, strbuf *out)
{
    if (cg_val(E->p, n)->kind == V_SCALAR)
        sb_printf(out, "&s%d", cg_val(E->p, n)->index);
    else
        cg_pointer_text(E, n, out);
}

/* A helper's call as its row's template says (ops.def): $a, $b the
 * operands, $r, $c the first one's rows and columns, $p, $q the second's,
 * $R, $C the result's, $k the node's integer, $i, $j a block's offsets
 * (OP_INDEX), $s the scratch, $t the result, which the helper writes through
 * unless the template assigns it ("$t = ..."): then a scalar result is
 * passed by its address. */
static void call_ins(cg_emitter *E, const cg_ins *in, strbuf *out, int ind)
{
    nd_node *n = in->node, *a = n->kid[0];
    const char *call = ops_table[n->op].c_call;
    if (!call) {
        cg_bug(E, n, "the plan calls a helper for an operation that has none");
        call = "nd__missing()";
    }
    int returns = !strncmp(call, "$t = ", 5);
    cg_use_helpers(E, call);
    strbuf text;
    sb_init(&text);
    for (const char *c = call; *c; c++) {
        if (*c != '$' || !c[1]) {
            sb_putc(&text, *c);
            continue;
        }
        switch (*++c) {
        case 'a': text_of(E, a, &text); break;
        case 'b': text_of(E, n->kid[n->nkids > 1], &text); break;
        case 'r': cg_dim_text(E, a->shape.rows, &text); break;
        case 'c': cg_dim_text(E, a->shape.cols, &text); break;
        case 'k': sb_printf(&text, "%ld", n->u.k); break;
        case 'R': cg_dim_text(E, n->shape.rows, &text); break;
        case 'C': cg_dim_text(E, n->shape.cols, &text); break;
        case 'p': cg_dim_text(E, n->kid[n->nkids > 1]->shape.rows, &text); break;
        case 'q': cg_dim_text(E, n->kid[n->nkids > 1]->shape.cols, &text); break;
        case 'i': sb_printf(&text, "%ld", block_row0(n)); break;
        case 'j': sb_printf(&text, "%ld", block_col0(n)); break;
        case 's':
            if (in->scratch >= 0) {
                sb_printf(&text, "b%d", in->scratch);
                cg_use_buf(E, in->scratch);
            }
            break;
        case 't': {
            cg_value *v = cg_val(E->p, n);
            if (v->kind == V_BUFFER)
                cg_pointer_text(E, n, &text);
            else    /* one number (logsumexp of a vector): by address */
                sb_printf(&text, returns ? "s%d" : "&s%d", v->index);
            break;
        }
        default: sb_putc(&text, *c); break;
        }
    }
    cg_line(out, ind, "%s;", sb_str(&text));
    sb_free(&text);
}

/* ---- groups ---- */

/* need: one unsigned while the objective and the gradients fit in 32
 * bits, else an array of words. */
int cg_need_words(const cg_plan *p)
{
    return (p->n_grads + 1 + 31) / 32;
}

/* "if (need & m) {" when an output-only value might be skipped; with
 * several words "if ((need[0] & m0) || (need[2] & m2)) {". */
static int open_guard(cg_emitter *E, strbuf *out, int ind, cg_mask mask, cg_mask outer)
{
    if (mask == CG_ALWAYS || mask == outer)
        return 0;
    const cg_maskdef *m = &E->p->masks[mask];
    for (int i = 0; i < ind; i++)
        sb_puts(out, "    ");
    E->uses |= U_NEED;
    sb_puts(out, "if (");
    for (int k = 0; k < m->n; k++) {
        if (cg_need_words(E->p) == 1)
            sb_printf(out, "need & %#xu", m->bits[k]);
        else if (m->n == 1)
            sb_printf(out, "need[%u] & %#xu", m->word[k], m->bits[k]);
        else
            sb_printf(out, "%s(need[%u] & %#xu)", k ? " || " : "", m->word[k], m->bits[k]);
    }
    sb_puts(out, ") {\n");
    return 1;
}

static void single(cg_emitter *E, const cg_ins *in, strbuf *out, int ind)
{
    int g = open_guard(E, out, ind, in->mask, 0);
    if (cg_blas_ins(E, in, out, ind + g))
        ;
    else if (in->kind == I_SCALAR)
        scalar_ins(E, in, out, ind + g);
    else if (in->kind == I_CALL)
        call_ins(E, in, out, ind + g);
    else if (in->kind == I_SYRK)
        cg_syrk_ins(E, in, out, ind + g);
    cg_close_loop(out, ind, g);
}

/* A prologue or epilogue under its guard, when it has anything to say. */
static void guarded(cg_emitter *E, const cg_ins *in, cg_mask all,
                    void (*part)(cg_emitter *, const cg_ins *, strbuf *, int), strbuf *out, int ind)
{
    strbuf b;
    sb_init(&b);
    int h = in->mask == CG_ALWAYS || in->mask == all ? 0 : 1;
    part(E, in, &b, ind + h);
    if (b.len) {
        open_guard(E, out, ind, in->mask, all);
        sb_puts(out, sb_str(&b));
        cg_close_loop(out, ind, h);
    }
    sb_free(&b);
}

static void row_group(cg_emitter *E, const cg_ins *ins, int n, strbuf *out, int ind)
{
    cg_mask all = 0;
    for (int x = 0; x < n; x++)
        all = cg_mask_union(E->p, all, ins[x].mask);
    int g = open_guard(E, out, ind, all, 0);
    ind += g;
    for (int x = 0; x < n; x++)
        guarded(E, &ins[x], all, cg_prologue, out, ind);
    nd_dim rows = ins[0].rows;
    int li = cg_open_loop(E, out, ind, "i", rows);
    const char *ri = cg_index_or_zero(E, rows, "i");
    for (int x = 0; x < n; x++) {
        int h = open_guard(E, out, ind + li, ins[x].mask, all);
        cg_body(E, &ins[x], ri, out, ind + li + h);
        cg_close_loop(out, ind + li, h);
    }
    cg_close_loop(out, ind, li);
    for (int x = 0; x < n; x++)
        guarded(E, &ins[x], all, cg_epilogue, out, ind);
    cg_close_loop(out, ind - g, g);
}

/* Each fused loop declares the buffers it uses, restrict: buffers that
 * share a slot never live in the same loop, so within one loop's block
 * each buffer is the only way to its memory. */
static int cmp_int(const void *a, const void *b)
{
    return (*(const int *)a > *(const int *)b) - (*(const int *)a < *(const int *)b);
}

static void buffer_decls(cg_emitter *E, strbuf *out, int ind)
{
    cg_plan *p = E->p;
    qsort(E->group_buf, (size_t)E->n_group_buf, sizeof *E->group_buf, cmp_int);
    for (int k = 0; k < E->n_group_buf; k++) {
        int b = E->group_buf[k];
        if (p->buf[b].slot < 0)
            continue;
        E->uses |= U_WORK;
        if (p->buf[b].slot == 0)
            cg_line(out, ind, "double *const restrict b%d = work;", b);
        else
            cg_line(out, ind, "double *const restrict b%d = work + off[%d];", b, p->buf[b].slot);
        E->uses_offsets |= p->buf[b].slot > 0;
    }
}

/* A group's code in a block of its own when it uses workspace buffers. */
static void group_block(cg_emitter *E, const char *code, strbuf *out)
{
    strbuf decls;
    sb_init(&decls);
    buffer_decls(E, &decls, 2);
    if (!decls.len) {   /* no block: one level less of indentation */
        for (const char *c = code; *c;) {
            const char *nl = strchr(c, '\n');
            size_t n = nl ? (size_t)(nl - c) + 1 : strlen(c);
            sb_putn(out, c + (n > 4 && !strncmp(c, "    ", 4) ? 4 : 0),
                    n - (n > 4 && !strncmp(c, "    ", 4) ? 4 : 0));
            c += n;
        }
    } else {
        sb_printf(out, "    {\n%s%s    }\n", sb_str(&decls), code);
    }
    sb_free(&decls);
}

void cg_groups(cg_emitter *E, strbuf *out)
{
    cg_plan *p = E->p;
    strbuf code;
    sb_init(&code);
    for (int x = 0; x < p->n_ins;) {
        int y = x + 1;
        while (y < p->n_ins && p->ins[y].group == p->ins[x].group)
            y++;
        sb_clear(&code);
        while (E->n_group_buf > 0)
            E->used_buf[E->group_buf[--E->n_group_buf]] = 0;
        if (cg_is_row_loop(&p->ins[x]) && !cg_is_blas(E, &p->ins[x]))
            row_group(E, p->ins + x, y - x, &code, 2);
        else
            single(E, &p->ins[x], &code, 2);
        group_block(E, sb_str(&code), out);
        x = y;
    }
    sb_free(&code);
}

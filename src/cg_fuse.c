/* cg_fuse.c: the plan's row loops fused into groups, and its workspace:
 * row locals, buffer lifetimes, slots shared by buffers (see cg.h). */
#include "cg_value.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "ops.h"

/* ---- fusion of row loops ---- */

int cg_is_row_loop(const cg_ins *in)
{
    return in->kind == I_ELEM || in->kind == I_MV || in->kind == I_MVT || in->kind == I_MM ||
           in->kind == I_REDUCE;
}

/* The number of rows a row loop runs over. */
static nd_dim loop_rows(cg_plan *p, const cg_ins *in)
{
    if (in->kind == I_MV || in->kind == I_MVT)
        return in->a->shape.rows;
    if (in->kind == I_MM)
        return in->a->shape.rows;
    if (in->kind == I_REDUCE) {
        nd_node *n = in->node;
        if (is_dot(p, n))
            return n->kid[0]->shape.cols;
        return n->kid[0]->shape.rows;
    }
    return in->node->shape.rows;
}

/* Reads of materialized values, with whether the read is at row i. */
typedef struct reads {
    nd_node **node;
    char *at_row;
    int n, cap;
} reads;

static void note_read(reads *r, nd_node *n, int at_row)
{
    r->node = xgrow(r->node, &r->cap, r->n + 1, sizeof *r->node);
    r->at_row = xrealloc(r->at_row, (size_t)r->cap);
    r->node[r->n] = n;
    r->at_row[r->n++] = (char)at_row;
}

static void expand_reads(cg_plan *p, nd_node *n, char ri, char ci, reads *r);

/* Index roles: 'i' the loop's row, 'j', 'k' others, '0' a constant. */
static void walk(cg_plan *p, nd_node *n, char ri, char ci, reads *r)
{
    if (cg_val(p, n)->kind != V_INLINE)
        note_read(r, n, ri == 'i');
    else
        expand_reads(p, n, ri, ci, r);
}

/* The reads of n's own expression (n inline, or the node an I_ELEM computes). */
static void expand_reads(cg_plan *p, nd_node *n, char ri, char ci, reads *r)
{
    nd_ctx *ctx = p->ctx;
    switch (ops_table[n->op].c_form) {
    case CGF_TRANSPOSE:
        walk(p, n->kid[0], ci, ri, r);
        return;
    case CGF_BCAST: {
        nd_node *x = n->kid[0];
        walk(p, x, dim_is_one(ctx, x->shape.rows) ? '0' : ri,
             dim_is_one(ctx, x->shape.cols) ? '0' : ci, r);
        return;
    }
    case CGF_DIAGM:
        walk(p, n->kid[0], ri, '0', r);
        return;
    case CGF_DIAGV:
        walk(p, n->kid[0], ri, ri, r);
        return;
    case CGF_PROD:
        if (is_outer(p, n)) {
            walk(p, n->kid[0], ri, '0', r);
            walk(p, n->kid[1], '0', ci, r);
            return;
        }
        break;
    default:
        break;
    }
    for (uint32_t k = 0; k < n->nkids; k++)
        walk(p, n->kid[k], scalar(p, n->kid[k]) ? '0' : ri, scalar(p, n->kid[k]) ? '0' : ci, r);
}

/* A vector operand at index role c: a column is read at (c, 0), a row at (0, c). */
static void walk_vector(cg_plan *p, nd_node *v, char c, reads *r)
{
    if (dim_is_one(p->ctx, v->shape.rows))
        walk(p, v, '0', c, r);
    else
        walk(p, v, c, '0', r);
}

static void ins_reads(cg_plan *p, const cg_ins *in, reads *r)
{
    nd_node *n = in->node;
    switch (in->kind) {
    case I_ELEM:
        if (in->out < 0)
            expand_reads(p, n, 'i', 'j', r);
        else
            walk(p, n, 'i', 'j', r);
        break;
    case I_MV:
        walk(p, in->a, 'i', 'k', r);
        walk_vector(p, in->b, 'k', r);
        break;
    case I_MVT:
        walk(p, in->a, 'i', 'j', r);
        walk_vector(p, in->b, 'i', r);
        break;
    case I_MM:
        walk(p, in->a, 'i', 'k', r);
        if (in->b_transposed)
            walk(p, in->b, 'j', 'k', r);
        else
            walk(p, in->b, 'k', 'j', r);
        break;
    case I_REDUCE:
        if (is_dot(p, n)) {
            walk_vector(p, n->kid[0], 'i', r);
            walk_vector(p, n->kid[1], 'i', r);
        } else {
            walk(p, n->kid[0], 'i', ops_table[n->op].c_term == CGT_DIAGONAL ? 'i' : 'j', r);
        }
        break;
    case I_SCALAR:
        expand_reads(p, n, '0', '0', r);
        break;
    default:    /* helpers read their operands whole */
        for (uint32_t k = 0; k < n->nkids; k++)
            walk(p, n->kid[k], 'k', 'k', r);
    }
}

/* The instruction that produces a materialized node, if before `upto`. */
static int producer(cg_plan *p, const nd_node *n, int upto)
{
    int w = cg_val(p, n)->producer;
    return w < upto && p->ins[w >= 0 ? w : 0].out < 0 ? w : -1;
}

static int writes_rows(const cg_ins *in)
{
    return in->kind == I_ELEM || in->kind == I_MV || in->kind == I_MM;
}

/* Can instruction x join the group that starts at instruction first? */
static int fusable(cg_plan *p, int first, int x, reads *r)
{
    cg_ins *in = &p->ins[x];
    if (!cg_is_row_loop(in) || !cg_is_row_loop(&p->ins[first]) ||
        !dim_same(p->ctx, loop_rows(p, in), loop_rows(p, &p->ins[first])))
        return 0;
    for (int k = 0; k < r->n; k++) {
        int w = producer(p, r->node[k], x);
        if (w >= first && (!r->at_row[k] || !writes_rows(&p->ins[w])))
            return 0;   /* needs the whole of something this loop writes */
    }
    return 1;
}

void cg_fuse(cg_plan *p)
{
    int group = -1, first = 0;
    for (int x = 0; x < p->n_ins; x++) {
        reads r = { 0 };
        ins_reads(p, &p->ins[x], &r);
        if (group < 0 || p->opt->blas || !fusable(p, first, x, &r)) {
            group++;
            first = x;
        }
        p->ins[x].group = group;
        p->ins[x].rows = cg_is_row_loop(&p->ins[x]) ? loop_rows(p, &p->ins[x]) : DIM_ONE;
        for (int k = 0; k < r.n; k++) {     /* the buffers' last reads */
            cg_value *v = cg_val(p, r.node[k]);
            if ((v->kind == V_BUFFER || v->kind == V_SCALAR) && (v->producer < 0 || v->producer >= x))
                cg_plan_bug(p, r.node[k], "a value is read before it is computed");
            if (v->kind != V_BUFFER)
                continue;
            p->buf[v->index].last = group;
            v->read_group = v->read_group == -1 || v->read_group == group ? group : -2;
            v->reads_at_row &= r.at_row[k];
        }
        free(r.node);
        free(r.at_row);
    }
    p->n_groups = group + 1;
}

/* ---- workspace ---- */

/* A column that one fused loop makes row by row (y[i] = W[i,:]*r) and
 * only that loop reads, at row i, needs no array: a local double. */
void cg_row_locals(cg_plan *p)
{
    nd_ctx *ctx = p->ctx;
    for (int x = 0; x < p->n_ins; x++) {
        cg_ins *in = &p->ins[x];
        cg_value *v = cg_val(p, in->node);
        if (in->out >= 0 || v->kind != V_BUFFER || p->buf[v->index].grad >= 0 ||
            (in->kind != I_MV && in->kind != I_ELEM) || !dim_is_one(ctx, in->node->shape.cols) ||
            dim_is_one(ctx, in->node->shape.rows))
            continue;
        if (v->read_group == in->group && v->reads_at_row) {
            v->row_local = 1;
            p->buf[v->index].first = -2;    /* no slot */
        }
    }
}

void cg_lifetimes(cg_plan *p)
{
    for (int x = 0; x < p->n_ins; x++) {
        cg_ins *in = &p->ins[x];
        cg_value *v = cg_val(p, in->node);
        if (in->out < 0 && v->kind == V_BUFFER && !v->row_local) {
            cg_buffer *b = &p->buf[v->index];
            if (b->first < 0)
                b->first = in->group;
            if (b->last < b->first)
                b->last = b->first;
        }
        if (in->scratch >= 0)
            p->buf[in->scratch].first = p->buf[in->scratch].last = in->group;
    }
}

/* The slots' last groups in a tree of minima (leaves from index cap),
 * so that the first slot free before a group is found in O(log n). */
typedef struct slot_tree {
    int *min;
    int cap;
} slot_tree;

static void tree_set(slot_tree *t, int slot, int last)
{
    int i = t->cap + slot;
    t->min[i] = last;
    for (i /= 2; i >= 1; i /= 2)
        t->min[i] = t->min[2 * i] < t->min[2 * i + 1] ? t->min[2 * i] : t->min[2 * i + 1];
}

static void tree_grow(slot_tree *t)
{
    int cap = t->cap ? 2 * t->cap : 16;
    int *min = xmalloc(2 * (size_t)cap * sizeof *min);
    for (int i = 0; i < 2 * cap; i++)
        min[i] = INT_MAX;
    slot_tree big = { min, cap };
    for (int s = 0; s < t->cap; s++)
        if (t->min[t->cap + s] != INT_MAX)
            tree_set(&big, s, t->min[t->cap + s]);
    free(t->min);
    *t = big;
}

/* The first slot whose last group is before `first`, or -1. */
static int tree_first_free(const slot_tree *t, int first)
{
    if (!t->cap || t->min[1] >= first)
        return -1;
    int i = 1;
    while (i < t->cap)
        i = t->min[2 * i] < first ? 2 * i : 2 * i + 1;
    return i - t->cap;
}

/* Buffers whose lives do not overlap share a slot (sized for the
 * largest): each takes the first slot free by its first group. */
void cg_assign_slots(cg_plan *p)
{
    slot_tree t = { NULL, 0 };
    p->n_slots = 0;
    for (int b = 0; b < p->n_buf; b++) {
        cg_buffer *B = &p->buf[b];
        if (B->grad >= 0 || B->first < 0)     /* outputs and row locals */
            continue;
        int s = tree_first_free(&t, B->first);
        if (s < 0) {
            if (p->n_slots == t.cap)
                tree_grow(&t);
            s = p->n_slots++;
        }
        tree_set(&t, s, B->last);
        B->slot = s;
    }
    free(t.min);
}


/* grade.c: submissions checked and graded (see grade.h). */
#include "grade.h"

#include <ctype.h>
#include <mpfr.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "nnderive.h"
#include "scope.h"
#include "shape.h"

/* ---- the program's names for the LaTeX reader ---- */

void grade_names(nd_ctx *ctx, const char *objective, nd_arena *arena, lr_names *out)
{
    memset(out, 0, sizeof *out);
    lr_name *v = arena_alloc(arena, ((size_t)ctx->scope->sym_cap + 1) * sizeof *v);
    int n = 0;
    for (int i = 0; i < ctx->scope->sym_cap; i++) {
        const struct nd_sym *s = &ctx->scope->syms[i];
        nd_shape shape = shape_scalar();
        if (!s->name)
            continue;
        if (s->kind == SYM_VAR)
            shape = ctx->scope->vars[s->index].shape;
        else if (s->kind == SYM_BIND && ctx->scope->binds[s->index].node)
            shape = ctx->scope->binds[s->index].node->shape;
        else if (s->kind != SYM_DIM)
            continue;
        v[n].name = arena_strdup(arena, s->name);
        v[n].kind = s->kind == SYM_VAR ? LR_VAR : s->kind == SYM_BIND ? LR_BIND : LR_DIM;
        v[n].rows = arena_strdup(arena, dim_name(ctx, shape.rows));
        v[n++].cols = arena_strdup(arena, dim_name(ctx, shape.cols));
    }
    lr_sort_names(v, n);
    out->names = v;
    out->n = n;
    out->objective = arena_strdup(arena, objective);
}

/* ---- rubrics ---- */

static int rubric_error(const nd_source *src, size_t at, const char *msg, strbuf *diag)
{
    diag_format(diag, DIAG_ERROR, diag_loc_at(src, at, at), msg);
    return 2;
}

/* Lines `LABEL POINTS` or `LABEL: POINTS`; # starts a comment. */
int grade_rubric(grade_env *env, nd_arena *arena, const nd_source *src, strbuf *diag)
{
    const char *s = src->text;
    size_t n = src->len, p = 0;
    int cap = 0;
    while (p < n) {
        size_t eol = p;
        while (eol < n && s[eol] != '\n')
            eol++;
        size_t a = p;
        while (a < eol && isspace((unsigned char)s[a]))
            a++;
        if (a < eol && s[a] != '#') {
            size_t b = a;
            while (b < eol && !isspace((unsigned char)s[b]) && s[b] != ':' && s[b] != '#')
                b++;
            size_t c = b;
            while (c < eol && (isspace((unsigned char)s[c]) || s[c] == ':'))
                c++;
            char *end;
            double pts = c < eol ? strtod(s + c, &end) : -1;
            if (c >= eol || end == s + c || pts < 0 || pts > 1e6)
                return rubric_error(src, c, "expected the points of the answer: LABEL POINTS, "
                                            "such as dL/dW2 2", diag);
            size_t d = (size_t)(end - s);
            while (d < eol && isspace((unsigned char)s[d]) && s[d] != '\n')
                d++;
            if (d < eol && s[d] != '#')
                return rubric_error(src, d, "unexpected text after the points", diag);
            if (env->n_rubric == cap) {
                cap = cap ? 2 * cap : 16;
                grade_item *g = arena_alloc(arena, (size_t)cap * sizeof *g);
                if (env->n_rubric)
                    memcpy(g, env->rubric, (size_t)env->n_rubric * sizeof *g);
                env->rubric = g;
            }
            env->rubric[env->n_rubric].label = arena_strndup(arena, s + a, b - a);
            env->rubric[env->n_rubric++].points = pts;
        }
        p = eol + 1;
    }
    if (!env->n_rubric)
        return rubric_error(src, 0, "the rubric names no answer (lines LABEL POINTS)", diag);
    return 0;
}

/* ---- one submission ---- */

static void sub_add(void *user, const char *label, int line, int verdict, const char *reason)
{
    grade_sub *s = user;
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 16;
        s->lines = xrealloc(s->lines, (size_t)s->cap * sizeof *s->lines);
    }
    grade_line *l = &s->lines[s->n++];
    l->label = xstrdup(label);
    l->line = line;
    l->verdict = verdict;
    l->reason = xstrdup(reason);
}

void grade_sub_free(grade_sub *s)
{
    for (int i = 0; i < s->n; i++) {
        free(s->lines[i].label);
        free(s->lines[i].reason);
    }
    free(s->lines);
    free(s->error);
    memset(s, 0, sizeof *s);
}

/* The points a `% points: N` (or `# points: N`) comment gives on line
 * `line` of src, or -1 when that line is not one. */
static double points_comment(const nd_source *src, int line)
{
    size_t len;
    const char *l = diag_line(src, line, &len), *e = l + len;
    while (l < e && isspace((unsigned char)*l))
        l++;
    if (l == e || (*l != '%' && *l != '#'))
        return -1;
    for (l++; l < e && isspace((unsigned char)*l); l++) {
    }
    if (e - l < 6 || strncasecmp(l, "points", 6) != 0)
        return -1;
    for (l += 6; l < e && (isspace((unsigned char)*l) || *l == ':' || *l == '='); l++) {
    }
    char buf[32];
    snprintf(buf, sizeof buf, "%.*s", (int)(e - l < 31 ? e - l : 31), l);
    char *end;
    double v = strtod(buf, &end);
    return end > buf && v >= 0 ? v : -1;
}

/* The points of the line at `line`: the last points comment after the
 * answer line before it (at `after`), else 1. */
static double line_points(const nd_source *src, int after, int line)
{
    for (int l = line - 1; l > after; l--) {
        double v = points_comment(src, l);
        if (v >= 0)
            return v;
    }
    return 1;
}

/* Scores from the lines (and the rubric): sub->score and sub->max. */
static void score(const grade_env *env, const nd_source *src, grade_sub *sub, double *pts)
{
    if (!src)
        sub->n = 0;     /* nothing was checked */
    sub->score = sub->max = 0;
    if (env->rubric) {
        for (int r = 0; r < env->n_rubric; r++) {
            sub->max += env->rubric[r].points;
            for (int i = sub->n; i-- > 0;)
                if (!strcmp(sub->lines[i].label, env->rubric[r].label)) {
                    sub->score += sub->lines[i].verdict != 1 ? env->rubric[r].points : 0;
                    break;
                }
        }
        return;
    }
    for (int i = 0; i < sub->n; i++) {
        pts[i] = line_points(src, i ? sub->lines[i - 1].line : 0, sub->lines[i].line);
        sub->max += pts[i];
        sub->score += sub->lines[i].verdict != 1 ? pts[i] : 0;
    }
}

static void json_str(strbuf *b, const char *s)
{
    sb_putc(b, '"');
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            sb_printf(b, "\\%c", c);
        else if (c == '\n')
            sb_puts(b, "\\n");
        else if (c < 0x20)
            sb_printf(b, "\\u%04x", c);
        else
            sb_putc(b, (char)c);
    }
    sb_putc(b, '"');
}

static void test_entry(strbuf *out, int *first, const char *name, double got, double max,
                       int passed, const char *output)
{
    sb_puts(out, *first ? "\n" : ",\n");
    *first = 0;
    sb_puts(out, "    {\"name\": ");
    json_str(out, name);
    sb_printf(out, ", \"score\": %g, \"max_score\": %g, \"status\": \"%s\", \"output\": ", got,
              max, passed ? "passed" : "failed");
    json_str(out, output);
    sb_putc(out, '}');
}

/* The results.json of Gradescope: a test per graded answer, the
 * checker's report (or the error that stopped it) as the output. */
static void gradescope(const grade_env *env, const grade_sub *sub, const double *pts,
                       const char *report, const char *error, strbuf *out)
{
    int first = 1;
    sb_printf(out, "{\n  \"score\": %g,\n  \"output\": ", sub->score);
    strbuf all;
    sb_init(&all);
    sb_puts(&all, report);
    if (error)
        sb_printf(&all, "%s%s", all.len ? "\n" : "", error);
    json_str(out, sb_str(&all));
    sb_free(&all);
    sb_puts(out, ",\n  \"tests\": [");
    for (int r = 0; env->rubric && r < env->n_rubric; r++) {
        const grade_line *l = NULL;
        for (int i = sub->n; i-- > 0 && !l;)
            if (!strcmp(sub->lines[i].label, env->rubric[r].label))
                l = &sub->lines[i];
        const char *why = l ? l->reason : sub->error ? "not checked: the answers stop at an error"
                                                     : "no answer";
        int ok = l && l->verdict != 1;
        test_entry(out, &first, env->rubric[r].label, ok ? env->rubric[r].points : 0,
                   env->rubric[r].points, ok, why);
    }
    for (int i = 0; !env->rubric && i < sub->n; i++) {
        char name[300];
        snprintf(name, sizeof name, "%.200s (line %d)", sub->lines[i].label, sub->lines[i].line);
        int ok = sub->lines[i].verdict != 1;
        test_entry(out, &first, name, ok ? pts[i] : 0, pts[i], ok, sub->lines[i].reason);
    }
    if (!env->rubric && sub->error)
        test_entry(out, &first, "the answers", 0, 0, 0, sub->error);
    sb_puts(out, "\n  ]\n}\n");
}

/* The first line of a message (without the source line and caret). */
static char *first_line(const char *msg)
{
    size_t k = strcspn(msg, "\n");
    char *r = xmalloc(k + 1);
    memcpy(r, msg, k);
    r[k] = '\0';
    return r;
}

/* The translated answers (or the answers themselves): NULL after an error. */
static const nd_source *answers_source(const grade_env *env, nd_arena *arena, const char *name,
                                       const char *text, size_t len, int latex, int expression,
                                       strbuf *diag)
{
    nd_source *src = arena_alloc(arena, sizeof *src);
    if (len > ND_MAX_INPUT)
        len = ND_MAX_INPUT + 1;
    src->name = arena_strdup(arena, name);
    src->text = arena_strndup(arena, text, len);
    src->len = len;
    if (!latex)
        return src;
    if (len > LR_MAX_INPUT) {
        strbuf m;
        sb_init(&m);
        sb_printf(&m, "'%s' is too large for LaTeX answers (the limit is %d MiB)", name,
                  (int)(LR_MAX_INPUT >> 20));
        diag_format(diag, DIAG_ERROR, (nd_loc){ 0, 0, 0, 0, NULL }, sb_str(&m));
        sb_free(&m);
        return NULL;
    }
    const nd_source *out = NULL;
    nd_loc loc;
    char *msg = NULL;
    int st = lr_translate(arena, src, expression ? LR_EXPRESSION : LR_LINES, &env->names, &out,
                          diag, &loc, &msg);
    free(msg);
    return st ? NULL : out;
}

int grade_one(const grade_env *env, const char *name, const char *text, size_t len, int latex,
              int expression, enum grade_format fmt, strbuf *out, strbuf *diag, grade_sub *sub)
{
    nd_arena *arena = arena_new();
    grade_sub mine = { 0 };
    grade_sub *lines = sub ? sub : &mine;
    size_t diag_at = diag->len;
    const nd_source *src = answers_source(env, arena, name, text, len, latex, expression, diag);
    int st = 2;
    strbuf report;
    sb_init(&report);
    checker *c = src ? check_open_kind(env->program, &env->eo, &env->vo, env->kind,
                                       env->denominator, diag)
                     : NULL;
    if (c) {
        check_set_sink(c, sub_add, lines);
        enum check_format cf = fmt == GRADE_JSON ? CHECK_JSON : CHECK_TEXT;
        st = expression ? check_expression(c, src, cf, &report, diag)
                        : check_file(c, src, cf, &report, diag);
        check_close(c);
    }
    lines->status = st;
    const char *msg = diag->len > diag_at ? diag->s + diag_at : "nnderive: error";
    if (st == 2)
        lines->error = first_line(msg);
    double *pts = xmalloc(((size_t)lines->n + 1) * sizeof *pts);
    if (src)
        score(env, src->origin ? src->origin : src, lines, pts);
    else
        score(env, NULL, lines, pts);
    if (fmt == GRADE_GRADESCOPE)     /* the whole message, its line and caret too */
        gradescope(env, lines, pts, sb_str(&report), st == 2 ? msg : NULL, out);
    else if (fmt != GRADE_ROW)
        sb_puts(out, sb_str(&report));
    free(pts);
    sb_free(&report);
    grade_sub_free(&mine);
    arena_free(arena);
    return st;
}

/* ---- a class ---- */

typedef struct class_job {
    const grade_env *env;
    const char *const *names, *const *texts, *const *errors;
    const size_t *lens;
    int n, next;
    grade_sub *subs;
    pthread_mutex_t lock;
} class_job;

static void grade_file(class_job *j, int i)
{
    grade_sub *sub = &j->subs[i];
    if (!j->texts[i]) {
        sub->status = 2;
        sub->error = xstrdup(j->errors && j->errors[i] ? j->errors[i] : "cannot read the file");
        return;
    }
    strbuf out, diag;
    sb_init(&out);
    sb_init(&diag);
    grade_one(j->env, j->names[i], j->texts[i], j->lens[i], lr_is_latex_name(j->names[i]), 0,
              GRADE_ROW, &out, &diag, sub);
    sb_free(&out);
    sb_free(&diag);
}

static void *class_worker(void *arg)
{
    class_job *j = arg;
    for (;;) {
        pthread_mutex_lock(&j->lock);
        int i = j->next++;
        pthread_mutex_unlock(&j->lock);
        if (i >= j->n)
            break;
        grade_file(j, i);
    }
    mpfr_free_cache();      /* MPFR's constants are cached per thread */
    return NULL;
}

/* A CSV field: quoted when it holds a comma, a quote or a newline. */
static void csv_field(strbuf *b, const char *s, int last)
{
    if (strpbrk(s, ",\"\n\r")) {
        sb_putc(b, '"');
        for (; *s; s++) {
            if (*s == '"')
                sb_putc(b, '"');
            sb_putc(b, *s);
        }
        sb_putc(b, '"');
    } else {
        sb_puts(b, s);
    }
    sb_putc(b, last ? '\n' : ',');
}

/* The first line that is not right, or NULL. */
static const grade_line *first_wrong(const grade_sub *s)
{
    for (int i = 0; i < s->n; i++)
        if (s->lines[i].verdict == 1)
            return &s->lines[i];
    return NULL;
}

static void table_row(strbuf *t, strbuf *csv, const char *name, const grade_sub *s, int width)
{
    char score[64], max[32], where[320], line[16] = "";
    const grade_line *w = first_wrong(s);
    snprintf(max, sizeof max, "%g", s->max);
    if (s->status == 2 && s->max == 0)
        snprintf(score, sizeof score, "error");
    else
        snprintf(score, sizeof score, "%g/%g", s->score, s->max);
    const char *why = w ? w->reason : s->status == 2 ? s->error : "";
    if (w) {
        snprintf(where, sizeof where, "%.200s (line %d): ", w->label, w->line);
        snprintf(line, sizeof line, "%d", w->line);
    } else {
        snprintf(where, sizeof where, "%s", s->status == 2 ? "" : "-");
    }
    sb_printf(t, "%-*s  %-9s  %s%s\n", width, name, score, where, why);
    if (s->status == 2 && w)    /* wrong lines, then an error that stopped the rest */
        sb_printf(t, "%-*s  %-9s  %s\n", width, "", "", s->error);
    csv_field(csv, name, 0);
    csv_field(csv, s->status == 2 ? "error" : "graded", 0);
    snprintf(score, sizeof score, "%g", s->score);
    csv_field(csv, score, 0);
    csv_field(csv, max, 0);
    csv_field(csv, w ? w->label : "", 0);
    csv_field(csv, line, 0);
    csv_field(csv, w ? w->reason : s->status == 2 ? s->error : "", 1);
}

int grade_class(const grade_env *env, int n, const char *const *names,
                const char *const *texts, const size_t *lens, const char *const *errors,
                int jobs, size_t stack, strbuf *table, strbuf *csv)
{
    class_job j = { env, names, texts, errors, lens, n, 0, NULL, PTHREAD_MUTEX_INITIALIZER };
    j.subs = xmalloc(((size_t)n + 1) * sizeof *j.subs);
    memset(j.subs, 0, ((size_t)n + 1) * sizeof *j.subs);
    if (jobs > n)
        jobs = n;
    pthread_t *t = xmalloc(((size_t)jobs + 1) * sizeof *t);
    int started = 0;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, stack);
    for (int k = 0; k < jobs; k++)
        if (pthread_create(&t[started], &attr, class_worker, &j) == 0)
            started++;
    pthread_attr_destroy(&attr);
    if (!started)
        class_worker(&j);       /* no thread: grade them here */
    for (int k = 0; k < started; k++)
        pthread_join(t[k], NULL);
    free(t);
    int width = 4, failed = 0;
    for (int i = 0; i < n; i++) {
        int w = (int)strlen(names[i]);
        width = w > width ? (w < 60 ? w : 60) : width;
    }
    sb_printf(table, "%-*s  %-9s  %s\n", width, "file", "score", "first wrong line: reason");
    sb_puts(csv, "file,status,score,max_score,first_wrong,line,reason\n");
    for (int i = 0; i < n; i++) {
        table_row(table, csv, names[i], &j.subs[i], width);
        failed += j.subs[i].status == 2;
        grade_sub_free(&j.subs[i]);
    }
    sb_printf(table, "%d file%s graded%s", n - failed, n - failed == 1 ? "" : "s",
              failed ? ", " : "\n");
    if (failed)
        sb_printf(table, "%d could not be (see above)\n", failed);
    free(j.subs);
    pthread_mutex_destroy(&j.lock);
    return failed ? 1 : 0;
}

/* template_lex.c — the template lexer: splits a template into text and the tokens
 * of its {{ }} and {% %} tags (names, numbers, strings with escapes, operators),
 * drops {# #} comments and applies the whitespace control of `{%-`, `-%}` etc. */
#include "config/template_impl.h"

#include <errno.h>
#include <string.h>

static void lex_advance(struct lexer *lx, size_t to)
{
    for (; lx->off < to; lx->off++) {
        if (lx->s[lx->off] == '\n')
            lx->line++, lx->col = 1;
        else
            lx->col++;
    }
}

static struct socm_pos lex_pos(const struct lexer *lx)
{
    return (struct socm_pos){lx->file_id, lx->line, lx->col};
}

static struct tok *lex_push(struct lexer *lx, enum tok_kind kind, struct socm_pos pos)
{
    if (lx->n == lx->cap) {
        lx->cap = lx->cap ? lx->cap * 2 : 64;
        lx->toks = socm_xrealloc(lx->toks, lx->cap * sizeof *lx->toks);
    }
    struct tok *t = &lx->toks[lx->n++];
    memset(t, 0, sizeof *t);
    t->kind = kind;
    t->pos = pos;
    return t;
}

bool socm_tpl_is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Text from off to end; strip_left drops its leading whitespace (after a `-%}`),
 * strip_right its trailing whitespace (before a `{%-`). */
static void lex_text(struct lexer *lx, size_t end, bool strip_left, bool strip_right)
{
    size_t a = lx->off, b = end;
    if (strip_left)
        while (a < b && socm_tpl_is_ws(lx->s[a]))
            a++;
    if (strip_right)
        while (b > a && socm_tpl_is_ws(lx->s[b - 1]))
            b--;
    lex_advance(lx, a);
    if (b > a) {
        struct tok *t = lex_push(lx, T_TEXT, lex_pos(lx));
        t->text = socm_strndup(lx->s + a, b - a);
        t->len = b - a;
    }
    lex_advance(lx, end);
}

static int lex_string(struct lexer *lx)
{
    struct socm_pos pos = lex_pos(lx);
    char q = lx->s[lx->off];
    struct socm_buf b = SOCM_BUF_INIT;
    size_t i = lx->off + 1;
    for (;;) {
        if (i >= lx->len || lx->s[i] == '\n') {
            socm_buf_free(&b);
            return socm_error_at(lx->err, &pos, "unterminated string");
        }
        char c = lx->s[i];
        if (c == q)
            break;
        if (c == '\\' && i + 1 < lx->len) {
            char e = lx->s[++i];
            switch (e) {
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'r': c = '\r'; break;
            case '0': c = '\0'; break;
            default: c = e; break; /* \\ \" \' and anything else as itself */
            }
        }
        socm_buf_putc(&b, c);
        i++;
    }
    struct tok *t = lex_push(lx, T_STRING, pos);
    t->len = b.len;
    t->text = socm_buf_steal(&b);
    lex_advance(lx, i + 1);
    return 0;
}

static int lex_number(struct lexer *lx)
{
    struct socm_pos pos = lex_pos(lx);
    size_t i = lx->off;
    bool is_float = false;
    while (i < lx->len && (lx->s[i] >= '0' && lx->s[i] <= '9'))
        i++;
    if (i + 1 < lx->len && lx->s[i] == '.' && lx->s[i + 1] >= '0' && lx->s[i + 1] <= '9') {
        is_float = true;
        i++;
        while (i < lx->len && lx->s[i] >= '0' && lx->s[i] <= '9')
            i++;
    }
    if (i < lx->len && (lx->s[i] == 'e' || lx->s[i] == 'E')) {
        size_t j = i + 1;
        if (j < lx->len && (lx->s[j] == '+' || lx->s[j] == '-'))
            j++;
        if (j < lx->len && lx->s[j] >= '0' && lx->s[j] <= '9') {
            is_float = true;
            i = j;
            while (i < lx->len && lx->s[i] >= '0' && lx->s[i] <= '9')
                i++;
        }
    }
    char *num = socm_strndup(lx->s + lx->off, i - lx->off);
    struct tok *t = lex_push(lx, is_float ? T_FLOAT : T_INT, pos);
    if (is_float)
        t->f = strtod(num, NULL);
    else {
        errno = 0;
        t->i = strtoll(num, NULL, 10);
        if (errno == ERANGE) {
            free(num);
            return socm_error_at(lx->err, &pos, "integer literal out of range");
        }
    }
    free(num);
    lex_advance(lx, i);
    return 0;
}

/* Lexes the inside of a {{ }} or {% %} tag, from lx->off to its closer. Sets
 * *strip_after when the closer is `-}}` / `-%}`. */
static int lex_tag(struct lexer *lx, bool block, struct socm_pos open_pos, bool *strip_after)
{
    const char *close = block ? "%}" : "}}";
    for (;;) {
        while (lx->off < lx->len && socm_tpl_is_ws(lx->s[lx->off]))
            lex_advance(lx, lx->off + 1);
        if (lx->off >= lx->len)
            return socm_error_at(lx->err, &open_pos, "unterminated '%s' (no closing '%s')",
                                 block ? "{%" : "{{", close);
        const char *p = lx->s + lx->off;
        size_t left = lx->len - lx->off;
        if (left >= 3 && p[0] == '-' && !strncmp(p + 1, close, 2)) {
            *strip_after = true;
            lex_push(lx, block ? T_BLK_END : T_VAR_END, lex_pos(lx));
            lex_advance(lx, lx->off + 3);
            return 0;
        }
        if (left >= 2 && !strncmp(p, close, 2)) {
            *strip_after = false;
            lex_push(lx, block ? T_BLK_END : T_VAR_END, lex_pos(lx));
            lex_advance(lx, lx->off + 2);
            return 0;
        }
        char c = *p;
        if (c == '"' || c == '\'') {
            if (lex_string(lx) < 0)
                return -1;
        } else if (c >= '0' && c <= '9') {
            if (lex_number(lx) < 0)
                return -1;
        } else if (c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
            size_t i = lx->off;
            while (i < lx->len && (lx->s[i] == '_' || (lx->s[i] >= 'a' && lx->s[i] <= 'z') ||
                                   (lx->s[i] >= 'A' && lx->s[i] <= 'Z') ||
                                   (lx->s[i] >= '0' && lx->s[i] <= '9')))
                i++;
            struct tok *t = lex_push(lx, T_NAME, lex_pos(lx));
            t->text = socm_strndup(p, i - lx->off);
            t->len = i - lx->off;
            lex_advance(lx, i);
        } else {
            static const char *const two[] = {"==", "!=", "<=", ">="};
            size_t n = 0;
            for (size_t k = 0; k < 4; k++)
                if (left >= 2 && !strncmp(p, two[k], 2))
                    n = 2;
            if (!n && strchr(".,()[]|<>=~+-*/:", c))
                n = 1;
            if (!n) {
                struct socm_pos pos = lex_pos(lx);
                return socm_error_at(lx->err, &pos, "unexpected character '%c' in tag",
                                     (c >= 32 && c < 127) ? c : '?');
            }
            struct tok *t = lex_push(lx, T_OP, lex_pos(lx));
            memcpy(t->op, p, n);
            lex_advance(lx, lx->off + n);
        }
    }
}

int socm_tpl_lex(struct lexer *lx)
{
    bool strip_next = false;
    for (;;) {
        /* The next opener: {{, {% or {#. */
        size_t i = lx->off;
        const char *open = NULL;
        for (; i + 1 < lx->len; i++)
            if (lx->s[i] == '{' && (lx->s[i + 1] == '{' || lx->s[i + 1] == '%' ||
                                    lx->s[i + 1] == '#')) {
                open = lx->s + i;
                break;
            }
        if (!open) {
            lex_text(lx, lx->len, strip_next, false);
            lex_push(lx, T_EOF, lex_pos(lx));
            return 0;
        }
        bool strip_before = i + 2 < lx->len && lx->s[i + 2] == '-';
        lex_text(lx, i, strip_next, strip_before);
        struct socm_pos open_pos = lex_pos(lx);
        char kind = open[1];
        lex_advance(lx, i + 2 + (strip_before ? 1 : 0));
        if (kind == '#') {
            const char *end = NULL;
            for (size_t j = lx->off; j + 1 < lx->len; j++)
                if (lx->s[j] == '#' && lx->s[j + 1] == '}') {
                    end = lx->s + j;
                    break;
                }
            if (!end)
                return socm_error_at(lx->err, &open_pos, "unterminated comment '{#'");
            size_t j = (size_t)(end - lx->s);
            strip_next = j > lx->off && lx->s[j - 1] == '-';
            lex_advance(lx, j + 2);
            continue;
        }
        bool block = kind == '%';
        lex_push(lx, block ? T_BLK_BEGIN : T_VAR_BEGIN, open_pos);
        if (lex_tag(lx, block, open_pos, &strip_next) < 0)
            return -1;
    }
}

void socm_tpl_lex_free(struct lexer *lx)
{
    for (size_t i = 0; i < lx->n; i++)
        free(lx->toks[i].text);
    free(lx->toks);
}

/* expr.c — criteria expressions: "mmse >= 16 and (age < 80 or not male == 1)".
 *
 * Grammar (usual precedence, left-associative):
 *   or   := and ("or" and)*
 *   and  := not ("and" not)*
 *   not  := "not" not | "(" or ")" | NAME OP NUMBER       OP: < <= > >= == !=
 * NAME must be one of the names given to the parser (its index is stored);
 * NUMBER is a finite decimal. A criteria expression may also name a model's observed
 * variables (TTExprParseMeasured): they follow the covariates in x[]; maxvar tells
 * whether an expression needs them. Nodes live in one array; a node's operands have
 * smaller indices than the node. Every parse error names the column inside
 * the YAML scalar where the offending token starts.
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "cohort/cohortimpl.h"

#define TT_EXPR_MAX_DEPTH 64
#define TT_EXPR_MAX_NODES 4096

typedef struct {
  const char        *text;
  size_t             pos;
  int                nname;
  const char *const *names;
  int                nextra; /* further names, index nname + k: a model's observed variables */
  const char *const *extra;
  const char        *model;
  TTYaml             y;
  TTYamlNode         node;
  const char        *file; /* without y: errors at file:loc + offset (a one-line scalar) */
  TTLoc              loc;
  const char        *key;
  TTExpr             e;
  int                depth;
} Parser;

static PetscErrorCode Fail(Parser *ps, size_t offset, const char *fmt, ...) PETSC_ATTRIBUTE_FORMAT(3, 4);

static PetscErrorCode Fail(Parser *ps, size_t offset, const char *fmt, ...)
{
  char    msg[512];
  va_list ap;
  PetscFunctionBeginUser;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (ps->y) PetscCall(TTYamlErrorAt(ps->y, TTYamlLocInScalar(ps->y, ps->node, offset), ps->key, "%s", msg));
  if (ps->file)
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_USER, "%s:%d:%d: %s: %s", ps->file, ps->loc.line, ps->loc.column + (int) offset,
            ps->key, msg);
  SETERRQ(PETSC_COMM_SELF, PETSC_ERR_USER, "expression:1:%d: %s: %s", (int) offset + 1, ps->key, msg);
}

/* "'text...'" at pos, or "the end of the expression", for messages. */
static const char *Found(const Parser *ps, char buf[32])
{
  if (!ps->text[ps->pos]) return "the end of the expression";
  snprintf(buf, 32, "'%.12s'", ps->text + ps->pos);
  return buf;
}

static void SkipSpace(Parser *ps)
{
  while (ps->text[ps->pos] && isspace((unsigned char) ps->text[ps->pos])) ps->pos++;
}

/* Length of the identifier at pos (0 if none). */
static size_t IdentLength(const Parser *ps)
{
  const char *s = ps->text + ps->pos;
  size_t      n = 0;
  if (!(isalpha((unsigned char) s[0]) || s[0] == '_')) return 0;
  while (isalnum((unsigned char) s[n]) || s[n] == '_') n++;
  return n;
}

/* Consumes keyword `kw` when it is the next whole word. */
static PetscBool Keyword(Parser *ps, const char *kw)
{
  size_t n;
  SkipSpace(ps);
  n = IdentLength(ps);
  if (n != strlen(kw) || strncmp(ps->text + ps->pos, kw, n)) return PETSC_FALSE;
  ps->pos += n;
  return PETSC_TRUE;
}

static PetscErrorCode AddNode(Parser *ps, TTExprNode nd, int *index)
{
  TTExpr e = ps->e;
  PetscFunctionBeginUser;
  /* Evaluation recurses along a chain of and/or: its length must stay well inside the stack. */
  if (e->n >= TT_EXPR_MAX_NODES)
    PetscCall(Fail(ps, ps->pos, "expected at most %d terms and operators", TT_EXPR_MAX_NODES));
  if (e->n == e->cap) {
    e->cap = e->cap ? 2 * e->cap : 8;
    PetscCall(PetscRealloc(sizeof(TTExprNode) * (size_t) e->cap, &e->node));
  }
  e->node[e->n] = nd;
  *index        = e->n++;
  PetscFunctionReturn(0);
}

static PetscErrorCode ParseOr(Parser *ps, int *index);

static PetscBool SameName(const char *name, const char *s, size_t n)
{
  return strlen(name) == n && !strncmp(name, s, n) ? PETSC_TRUE : PETSC_FALSE;
}

static PetscErrorCode NameList(int n, const char *const names[], char *list, size_t len)
{
  PetscFunctionBeginUser;
  for (int i = 0; i < n; i++) {
    PetscCall(PetscStrlcat(list, i ? ", " : "", len));
    PetscCall(PetscStrlcat(list, names[i], len));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode ParseName(Parser *ps, int *var)
{
  size_t      start = ps->pos, n = IdentLength(ps);
  const char *s         = ps->text + start;
  char        list[512] = "", vars[256] = "", buf[32];
  int         nfound = 0;
  PetscFunctionBeginUser;
  if (!n) PetscCall(Fail(ps, start, "expected a comparison such as 'mmse >= 16' or '(', found %s", Found(ps, buf)));
  *var = -1;
  for (int i = 0; i < ps->nname; i++)
    if (SameName(ps->names[i], s, n)) *var = i, nfound++;
  for (int k = 0; k < ps->nextra; k++)
    if (SameName(ps->extra[k], s, n)) *var = ps->nname + k, nfound++;
  if (nfound > 1)
    PetscCall(Fail(ps, start,
                   "'%.*s' is both a covariate of the cohort and an observed variable of model %s; rename "
                   "the covariate",
                   (int) n, s, ps->model));
  if (*var < 0) {
    PetscCall(NameList(ps->nname, ps->names, list, sizeof list));
    PetscCall(NameList(ps->nextra, ps->extra, vars, sizeof vars));
    if (ps->nextra)
      PetscCall(
          Fail(ps, start,
               "expected a covariate name (one of %s) or an observed variable of model %s at the first visit (one "
               "of %s), found '%.*s'",
               list, ps->model, vars, (int) n, s));
    PetscCall(Fail(ps, start, "expected a covariate name (one of %s), found '%.*s'", list, (int) n, s));
  }
  if (*var > ps->e->maxvar) ps->e->maxvar = *var;
  ps->pos += n;
  PetscFunctionReturn(0);
}

static PetscErrorCode ParseOp(Parser *ps, TTExprOp *op)
{
  static const char *const ops[] = {"<=", ">=", "==", "!=", "<", ">"};
  static const TTExprOp    val[] = {TT_OP_LE, TT_OP_GE, TT_OP_EQ, TT_OP_NE, TT_OP_LT, TT_OP_GT};
  char                     buf[32];
  PetscFunctionBeginUser;
  SkipSpace(ps);
  for (int i = 0; i < 6; i++) {
    if (!strncmp(ps->text + ps->pos, ops[i], strlen(ops[i]))) {
      *op = val[i];
      ps->pos += strlen(ops[i]);
      PetscFunctionReturn(0);
    }
  }
  PetscCall(Fail(ps, ps->pos, "expected a comparison operator (<, <=, >, >=, ==, !=), found %s", Found(ps, buf)));
  PetscFunctionReturn(0);
}

static PetscErrorCode ParseNumber(Parser *ps, double *v)
{
  const char *s;
  char       *end, buf[32];
  PetscFunctionBeginUser;
  SkipSpace(ps);
  s  = ps->text + ps->pos;
  *v = strtod(s, &end);
  if (end == s || !(isdigit((unsigned char) s[0]) || s[0] == '-' || s[0] == '+' || s[0] == '.') || !isfinite(*v))
    PetscCall(Fail(ps, ps->pos, "expected a number, found %s", Found(ps, buf)));
  for (const char *c = s; c < end; c++)
    if (!(isdigit((unsigned char) *c) || strchr("+-.eE", *c)))
      PetscCall(Fail(ps, ps->pos, "expected a decimal number, found '%.*s'", (int) (end - s), s));
  ps->pos += (size_t) (end - s);
  PetscFunctionReturn(0);
}

static PetscErrorCode ParsePrimary(Parser *ps, int *index)
{
  TTExprNode nd = {TT_EXPR_CMP, TT_OP_LT, 0, 0.0, -1, -1};
  PetscFunctionBeginUser;
  SkipSpace(ps);
  if (ps->text[ps->pos] == '(') {
    size_t open = ps->pos++;
    if (++ps->depth > TT_EXPR_MAX_DEPTH)
      PetscCall(Fail(ps, open, "expected at most %d nested parentheses", TT_EXPR_MAX_DEPTH));
    PetscCall(ParseOr(ps, index));
    SkipSpace(ps);
    if (ps->text[ps->pos] != ')')
      PetscCall(Fail(ps, ps->pos, "expected ')' to close the '(' at offset %zu of the expression", open));
    ps->pos++;
    ps->depth--;
    PetscFunctionReturn(0);
  }
  PetscCall(ParseName(ps, &nd.var));
  PetscCall(ParseOp(ps, &nd.op));
  PetscCall(ParseNumber(ps, &nd.value));
  PetscCall(AddNode(ps, nd, index));
  PetscFunctionReturn(0);
}

static PetscErrorCode ParseNot(Parser *ps, int *index)
{
  TTExprNode nd = {TT_EXPR_NOT, TT_OP_LT, -1, 0.0, -1, -1};
  PetscFunctionBeginUser;
  if (Keyword(ps, "not")) {
    if (++ps->depth > TT_EXPR_MAX_DEPTH)
      PetscCall(Fail(ps, ps->pos, "expected at most %d nested 'not'", TT_EXPR_MAX_DEPTH));
    PetscCall(ParseNot(ps, &nd.a));
    ps->depth--;
    PetscCall(AddNode(ps, nd, index));
  } else
    PetscCall(ParsePrimary(ps, index));
  PetscFunctionReturn(0);
}

static PetscErrorCode ParseAnd(Parser *ps, int *index)
{
  TTExprNode nd = {TT_EXPR_AND, TT_OP_LT, -1, 0.0, -1, -1};
  PetscFunctionBeginUser;
  PetscCall(ParseNot(ps, index));
  while (Keyword(ps, "and")) {
    nd.a = *index;
    PetscCall(ParseNot(ps, &nd.b));
    PetscCall(AddNode(ps, nd, index));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode ParseOr(Parser *ps, int *index)
{
  TTExprNode nd = {TT_EXPR_OR, TT_OP_LT, -1, 0.0, -1, -1};
  PetscFunctionBeginUser;
  PetscCall(ParseAnd(ps, index));
  while (Keyword(ps, "or")) {
    nd.a = *index;
    PetscCall(ParseAnd(ps, &nd.b));
    PetscCall(AddNode(ps, nd, index));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode Parse(Parser *ps)
{
  char buf[32];
  PetscFunctionBeginUser;
  PetscCall(ParseOr(ps, &ps->e->root));
  SkipSpace(ps);
  if (ps->text[ps->pos])
    PetscCall(Fail(ps, ps->pos, "expected 'and', 'or', ')' or the end of the expression, found %s", Found(ps, buf)));
  PetscFunctionReturn(0);
}

PetscErrorCode TTExprParse(const char *text, int nname, const char *const names[], TTYaml y, TTYamlNode node,
                           const char *key, TTExpr *expr)
{
  PetscFunctionBeginUser;
  PetscCall(TTExprParseMeasured(text, nname, names, NULL, 0, NULL, y, node, key, expr));
  PetscFunctionReturn(0);
}

static PetscErrorCode ParseWith(Parser *ps, const char *text, TTExpr *expr)
{
  PetscErrorCode ierr;
  PetscFunctionBeginUser;
  *expr = NULL;
  PetscCall(PetscNew(&ps->e));
  ps->e->maxvar = -1;
  ierr          = PetscStrallocpy(text, &ps->e->text);
  if (!ierr) ierr = Parse(ps);
  if (ierr) PetscCall(TTExprDestroy(&ps->e));
  PetscCall(ierr);
  *expr = ps->e;
  PetscFunctionReturn(0);
}

PetscErrorCode TTExprParseMeasured(const char *text, int nname, const char *const names[], const char *model, int nvar,
                                   const char *const vars[], TTYaml y, TTYamlNode node, const char *key, TTExpr *expr)
{
  Parser ps = {text, 0, nname, names, nvar, vars, model, y, node, NULL, {0, 0}, key, NULL, 0};
  PetscFunctionBeginUser;
  PetscCall(ParseWith(&ps, text, expr));
  PetscFunctionReturn(0);
}

PetscErrorCode TTExprParseAt(const char *text, int nname, const char *const names[], const char *model, int nvar,
                             const char *const vars[], const char *file, TTLoc loc, const char *key, TTExpr *expr)
{
  Parser ps = {text, 0, nname, names, nvar, vars, model, NULL, 0, file, loc, key, NULL, 0};
  PetscFunctionBeginUser;
  PetscCall(ParseWith(&ps, text, expr));
  PetscFunctionReturn(0);
}

static PetscBool Eval(const TTExprNode *node, int i, const double x[])
{
  const TTExprNode *nd = &node[i];
  double            v;
  switch (nd->kind) {
  case TT_EXPR_AND:
    return (Eval(node, nd->a, x) && Eval(node, nd->b, x)) ? PETSC_TRUE : PETSC_FALSE;
  case TT_EXPR_OR:
    return (Eval(node, nd->a, x) || Eval(node, nd->b, x)) ? PETSC_TRUE : PETSC_FALSE;
  case TT_EXPR_NOT:
    return Eval(node, nd->a, x) ? PETSC_FALSE : PETSC_TRUE;
  case TT_EXPR_CMP:
    break;
  }
  v = x[nd->var];
  switch (nd->op) {
  case TT_OP_LT:
    return v < nd->value ? PETSC_TRUE : PETSC_FALSE;
  case TT_OP_LE:
    return v <= nd->value ? PETSC_TRUE : PETSC_FALSE;
  case TT_OP_GT:
    return v > nd->value ? PETSC_TRUE : PETSC_FALSE;
  case TT_OP_GE:
    return v >= nd->value ? PETSC_TRUE : PETSC_FALSE;
  case TT_OP_EQ:
    return v == nd->value ? PETSC_TRUE : PETSC_FALSE;
  case TT_OP_NE:
    return v != nd->value ? PETSC_TRUE : PETSC_FALSE;
  }
  return PETSC_FALSE;
}

PetscBool TTExprEval(TTExpr expr, const double x[])
{
  return Eval(expr->node, expr->root, x);
}

PetscErrorCode TTExprDestroy(TTExpr *expr)
{
  PetscFunctionBeginUser;
  if (!expr || !*expr) PetscFunctionReturn(0);
  PetscCall(PetscFree((*expr)->text));
  PetscCall(PetscFree((*expr)->node));
  PetscCall(PetscFree(*expr));
  PetscFunctionReturn(0);
}

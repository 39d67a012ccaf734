/* ml_expr.c — the expression language of model files: a hand-written lexer and
 * recursive-descent parser building the tree of mlimpl.h, names resolved while parsing.
 *
 * Grammar (precedence low to high; ^ is right-associative and binds tighter than unary
 * minus, so -x^2 = -(x^2), and 2^-1 is allowed):
 *   statements := { statement (newline | ';') }   '#' starts a comment to the line's end
 *   statement  := NAME '=' expr | 'd/dt(' NAME ')' '=' expr
 *   expr := or;  or := and { '||' and };  and := cmp { '&&' cmp }
 *   cmp  := sum [ ('<' | '<=' | '>' | '>=' | '==' | '!=') sum ]
 *   sum  := prod { ('+' | '-') prod };  prod := unary { ('*' | '/') unary }
 *   unary := ('-' | '+' | '!') unary | power;  power := primary [ '^' unary ]
 *   primary := NUMBER | NAME | FUNC '(' expr { ',' expr } ')' | '(' expr ')'
 * Newlines inside parentheses are spaces. A comparison, && , || and ! give 1 or 0;
 * if(c, a, b) is a when c != 0, else b.
 * Invariants: every node built here is within ml->node[0, nnode); nesting is bounded by
 * ML_MAX_DEPTH and the node count by ML_MAX_NODES, so no input recurses or allocates
 * without bound; every error is located at the offending character of the file.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "modellang/mlimpl.h"

const MLFuncInfo MLFuncs[MF_NFUNC] = {
    {"exp", 1, "e^x"},          {"log", 1, "natural log"},  {"log10", 1, "base-10 log"}, {"sqrt", 1, "square root"},
    {"abs", 1, "|x|"},          {"floor", 1, "round down"}, {"ceil", 1, "round up"},     {"sin", 1, "sine"},
    {"cos", 1, "cosine"},       {"tan", 1, "tangent"},      {"tanh", 1, "tanh"},         {"logit", 1, "log(p/(1-p))"},
    {"expit", 1, "1/(1+e^-x)"}, {"pow", 2, "x^y"},          {"min", 2, "smallest"},      {"max", 2, "largest"},
    {"if", 3, "if(c, a, b)"},
};

const char *const MLKindNames[MS_NKIND] = {"parameter",           "arm effect", "covariate", "random effect",
                                           "individual variable", "state",      "output",    "time"};

typedef enum { T_EOF, T_NL, T_NUM, T_NAME, T_OP } MLTok;

typedef struct {
  TTModelLang    ml;
  TTYamlNode     n;
  const char    *key, *s;
  size_t         pos, len;
  int            paren, depth;
  const MLScope *scope;
  const char    *target; /* the name a statement assigns ("" in a lone expression) */
  /* current token */
  MLTok  tok;
  size_t at, toklen;
  double num;
} MLParser;

TTLoc MLLocInScalar(TTModelLang ml, TTYamlNode n, size_t offset)
{
  TTLoc       loc  = TTYamlLoc(ml->y, n), out;
  const char *text = TTYamlText(ml->y), *v = TTYamlScalar(ml->y, n), *p, *vl, *fl, *fe;
  size_t      vlen, flen, i;
  int         line = 0, col = 0;
  if (!v) return loc;
  if (offset && offset == strlen(v) && v[offset - 1] == '\n') offset--; /* the end: after the last line */
  /* the byte where the node starts: line loc.line, column loc.column (characters) */
  for (p = text, i = 1; *p && (int) i < loc.line; p++)
    if (*p == '\n') i++;
  for (i = 1; *p && *p != '\n' && (int) i < loc.column; p++)
    if (((unsigned char) *p & 0xC0) != 0x80) i++;
  if (*p != '|') return TTYamlLocInScalar(ml->y, n, offset);
  /* literal block: value line k is file line loc.line + 1 + k, after the indentation */
  for (vl = v, i = 0; i < offset && v[i]; i++)
    if (v[i] == '\n') line++, vl = v + i + 1;
  vlen = strcspn(vl, "\n");
  for (fl = p; *fl && *fl != '\n'; fl++) {
  }
  for (int k = 0; k <= line && *fl; k++) {
    fl++;
    if (k < line)
      while (*fl && *fl != '\n') fl++;
  }
  fe   = fl + strcspn(fl, "\n");
  flen = (size_t) (fe - fl);
  if (flen < vlen || memcmp(fe - vlen, vl, vlen)) return loc;
  for (const char *q = fl; q < fe - vlen; q++)
    if (*q != ' ') return loc;
  for (const char *q = vl; q < v + offset; q++)
    if (((unsigned char) *q & 0xC0) != 0x80) col++;
  out.line   = loc.line + 1 + line;
  out.column = (int) (flen - vlen) + col + 1;
  return out;
}

static PetscErrorCode ErrorAt(MLParser *ps, size_t offset, const char *fmt, const char *a, const char *b)
{
  char msg[512];
  PetscFunctionBeginUser;
  snprintf(msg, sizeof msg, fmt, a ? a : "", b ? b : "");
  PetscCall(TTYamlErrorAt(ps->ml->y, MLLocInScalar(ps->ml, ps->n, offset), ps->key, "%s", msg));
  PetscFunctionReturn(0);
}

/* The current token as text for messages. */
static const char *TokText(MLParser *ps, char *buf, size_t len)
{
  if (ps->tok == T_EOF) return "the end";
  if (ps->tok == T_NL) return "the end of the line";
  snprintf(buf, len, "'%.*s'", (int) (ps->toklen < 40 ? ps->toklen : 40), ps->s + ps->at);
  return buf;
}

static PetscErrorCode Next(MLParser *ps)
{
  const char *s = ps->s;
  size_t      i = ps->pos;
  PetscFunctionBeginUser;
  for (;;) {
    while (i < ps->len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || (ps->paren && s[i] == '\n'))) i++;
    if (i < ps->len && s[i] == '#')
      while (i < ps->len && s[i] != '\n') i++;
    else
      break;
  }
  ps->at = i, ps->toklen = 1;
  if (i >= ps->len)
    ps->tok = T_EOF, ps->toklen = 0;
  else if (s[i] == '\n' || s[i] == ';')
    ps->tok = T_NL;
  else if (isdigit((unsigned char) s[i]) || (s[i] == '.' && isdigit((unsigned char) s[i + 1]))) {
    char   buf[64];
    size_t j = i;
    while (j < ps->len && (isdigit((unsigned char) s[j]) || s[j] == '.')) j++;
    if (j < ps->len && (s[j] == 'e' || s[j] == 'E')) {
      size_t k = j + 1;
      if (k < ps->len && (s[k] == '+' || s[k] == '-')) k++;
      if (k < ps->len && isdigit((unsigned char) s[k]))
        for (j = k; j < ps->len && isdigit((unsigned char) s[j]);) j++;
    }
    ps->tok = T_NUM, ps->toklen = j - i;
    if (j - i >= sizeof buf) PetscCall(ErrorAt(ps, i, "expected a number of at most 63 characters%s%s", NULL, NULL));
    memcpy(buf, s + i, j - i), buf[j - i] = 0;
    {
      char *end;
      ps->num = strtod(buf, &end);
      if (*end || !isfinite(ps->num)) PetscCall(ErrorAt(ps, i, "expected a finite number, found '%s'%s", buf, NULL));
    }
  } else if (isalpha((unsigned char) s[i]) || s[i] == '_') {
    size_t j = i;
    while (j < ps->len && (isalnum((unsigned char) s[j]) || s[j] == '_')) j++;
    ps->tok = T_NAME, ps->toklen = j - i;
    if (j - i >= TT_NAME_MAX) PetscCall(ErrorAt(ps, i, "expected a name of at most 63 characters%s%s", NULL, NULL));
  } else if (strchr("()+-*/^,=<>!&|", s[i])) {
    ps->tok = T_OP;
    if (i + 1 < ps->len && ((strchr("<>=!", s[i]) && s[i + 1] == '=') || (s[i] == '&' && s[i + 1] == '&') ||
                            (s[i] == '|' && s[i + 1] == '|')))
      ps->toklen = 2;
    else if (s[i] == '&' || s[i] == '|')
      PetscCall(ErrorAt(ps, i, "expected && or || (a single %s is not an operator)%s", s[i] == '&' ? "&" : "|", NULL));
    if (s[i] == '(') ps->paren++;
    if (s[i] == ')' && ps->paren > 0) ps->paren--;
  } else {
    char c[8];
    snprintf(c, sizeof c, (unsigned char) s[i] < 0x80 && isprint((unsigned char) s[i]) ? "'%c'" : "byte 0x%02x",
             (unsigned char) s[i]);
    PetscCall(ErrorAt(ps, i, "expected a number, a name, an operator or a parenthesis, found %s%s", c, NULL));
  }
  ps->pos = i + ps->toklen;
  PetscFunctionReturn(0);
}

static PetscBool Is(MLParser *ps, const char *op)
{
  return ps->tok == T_OP && ps->toklen == strlen(op) && !strncmp(ps->s + ps->at, op, ps->toklen) ? PETSC_TRUE
                                                                                                 : PETSC_FALSE;
}

static PetscErrorCode Expect(MLParser *ps, const char *op, const char *after)
{
  char buf[64];
  PetscFunctionBeginUser;
  if (!Is(ps, op)) {
    char what[128];
    snprintf(what, sizeof what, "expected '%s' %s", op, after);
    PetscCall(ErrorAt(ps, ps->at, "%s, found %s", what, TokText(ps, buf, sizeof buf)));
  }
  PetscCall(Next(ps));
  PetscFunctionReturn(0);
}

/* A node with nkid operands a, b, c; its height (1 + the tallest operand's) is bounded by
 * ML_MAX_HEIGHT, so the generator's recursion and the C compiler's are too. */
static PetscErrorCode NewNode(MLParser *ps, MLOp op, int nkid, int a, int b, int c, int *e)
{
  TTModelLang ml     = ps->ml;
  int         kid[3] = {a, b, c}, height = 1;
  PetscFunctionBeginUser;
  for (int k = 0; k < nkid; k++) height = PetscMax(height, ml->node[kid[k]].height + 1);
  if (height > ML_MAX_HEIGHT)
    PetscCall(ErrorAt(
        ps, ps->at, "expected an expression of at most 1000 nested operations (split it with individual variables)%s%s",
        NULL, NULL));
  if (ml->nnode == ML_MAX_NODES)
    PetscCall(ErrorAt(ps, ps->at, "expected at most 200000 operations in a model%s%s", NULL, NULL));
  if (ml->nnode == ml->maxnode) {
    ml->maxnode = ml->maxnode ? 2 * ml->maxnode : 256;
    PetscCall(PetscRealloc(sizeof(MLNode) * (size_t) ml->maxnode, &ml->node));
  }
  *e = ml->nnode++;
  memset(&ml->node[*e], 0, sizeof(MLNode));
  ml->node[*e].op = op, ml->node[*e].height = height;
  for (int k = 0; k < nkid; k++) ml->node[*e].kid[k] = kid[k];
  PetscFunctionReturn(0);
}

static PetscErrorCode Expr(MLParser *ps, int *e);

/* What a scope can read, in words. */
static void ScopeWords(const MLScope *sc, char *buf, size_t len)
{
  buf[0] = 0;
  for (int k = 0; k < MS_NKIND; k++) {
    if (!(sc->kinds & (1u << k))) continue;
    if (buf[0]) strncat(buf, ", ", len - strlen(buf) - 1);
    strncat(buf, k == MS_TIME ? "t" : MLKindNames[k], len - strlen(buf) - 1);
    if (k == MS_INDIV || k == MS_OUTPUT)
      strncat(buf, "s defined above", len - strlen(buf) - 1);
    else if (k != MS_TIME)
      strncat(buf, "s", len - strlen(buf) - 1);
  }
}

static PetscErrorCode Name(MLParser *ps, const char *name, size_t at, int *e)
{
  int    index;
  MLKind kind = MLLookup(ps->ml, name, &index);
  char   words[512], msg[640];
  PetscFunctionBeginUser;
  ScopeWords(ps->scope, words, sizeof words);
  if (kind == MS_NKIND) PetscCall(ErrorAt(ps, at, "unknown name '%s'; expected one of the %s", name, words));
  if (kind == MS_TIME && index == 1 && !ps->scope->switching)
    PetscCall(ErrorAt(ps, at,
                      "'%s' (the start of the regimen segment under way) cannot be read in %s; expected it only in "
                      "the outputs of a closed-form model",
                      name, ps->scope->where));
  if (!(ps->scope->kinds & (1u << kind)) || (kind == MS_INDIV && index >= ps->scope->nindiv) ||
      (kind == MS_OUTPUT && index >= ps->scope->noutput)) {
    snprintf(msg, sizeof msg, "'%%s' (%s) cannot be read in %s; expected one of the %%s", MLKindNames[kind],
             ps->scope->where);
    PetscCall(ErrorAt(ps, at, msg, name, words));
  }
  PetscCall(NewNode(ps, ML_SYM, 0, 0, 0, 0, e));
  ps->ml->node[*e].kind = kind, ps->ml->node[*e].index = index;
  PetscFunctionReturn(0);
}

/* before(OUTPUT): the output's value at the start of the regimen segment under way, an
 * output defined above or the one being defined (closed-form outputs only). */
static PetscErrorCode Before(MLParser *ps, size_t at, int *e)
{
  char   name[TT_NAME_MAX], buf[64];
  size_t nat;
  int    i;
  PetscFunctionBeginUser;
  if (!ps->scope->switching)
    PetscCall(ErrorAt(ps, at, "before() cannot be read in %s; expected it only in the outputs of a closed-form model%s",
                      ps->scope->where, NULL));
  PetscCall(Next(ps)); /* ( */
  if (ps->tok != T_NAME)
    PetscCall(ErrorAt(ps, ps->at, "expected an output's name in before(OUTPUT), found %s%s",
                      TokText(ps, buf, sizeof buf), NULL));
  nat = ps->at;
  memcpy(name, ps->s + nat, ps->toklen), name[ps->toklen] = 0;
  i = MLFind(ps->ml, MS_OUTPUT, name);
  if (!strcmp(name, ps->target)) i = ps->scope->noutput;
  if (i < 0 || i > ps->scope->noutput)
    PetscCall(
        ErrorAt(ps, nat, "before(%s): '%s' is not an output defined above or being defined; expected one", name, name));
  PetscCall(Next(ps));
  PetscCall(Expect(ps, ")", "closing before(OUTPUT)"));
  PetscCall(NewNode(ps, ML_BEFORE, 0, 0, 0, 0, e));
  ps->ml->node[*e].index = i;
  PetscFunctionReturn(0);
}

static PetscErrorCode Call(MLParser *ps, const char *name, size_t at, int *e)
{
  int  f, args[64], nargs = 0;
  char buf[64], list[256] = "";
  PetscFunctionBeginUser;
  if (!strcmp(name, "before")) {
    PetscCall(Before(ps, at, e));
    PetscFunctionReturn(0);
  }
  for (f = 0; f < MF_NFUNC && strcmp(MLFuncs[f].name, name); f++) {
  }
  if (f == MF_NFUNC) {
    for (int k = 0; k < MF_NFUNC; k++) {
      if (k) strncat(list, " ", sizeof list - strlen(list) - 1);
      strncat(list, MLFuncs[k].name, sizeof list - strlen(list) - 1);
    }
    PetscCall(ErrorAt(ps, at, "unknown function '%s'; expected one of %s", name, list));
  }
  PetscCall(Next(ps)); /* ( */
  for (;;) {
    if (nargs == 64) PetscCall(ErrorAt(ps, ps->at, "expected at most 64 arguments of %s()%s", name, NULL));
    PetscCall(Expr(ps, &args[nargs++]));
    if (!Is(ps, ",")) break;
    PetscCall(Next(ps));
  }
  if (!Is(ps, ")"))
    PetscCall(ErrorAt(ps, ps->at, "expected ',' or ')' in the arguments of %s(), found %s", name,
                      TokText(ps, buf, sizeof buf)));
  if (nargs != MLFuncs[f].nargs && !((f == MF_MIN || f == MF_MAX) && nargs > 2)) {
    snprintf(list, sizeof list, "%d argument%s%s, found %d", MLFuncs[f].nargs, MLFuncs[f].nargs > 1 ? "s" : "",
             f == MF_MIN || f == MF_MAX ? " or more" : "", nargs);
    PetscCall(ErrorAt(ps, at, "%s() expects %s", name, list));
  }
  PetscCall(Next(ps));
  if (f == MF_IF)
    PetscCall(NewNode(ps, ML_CALL, 3, args[0], args[1], args[2], e));
  else if (MLFuncs[f].nargs == 1)
    PetscCall(NewNode(ps, ML_CALL, 1, args[0], 0, 0, e));
  else { /* pow(a, b); min(a, b, c) = min(min(a, b), c) */
    *e = args[0];
    for (int i = 1; i < nargs; i++) {
      PetscCall(NewNode(ps, ML_CALL, 2, *e, args[i], 0, e));
      ps->ml->node[*e].index = f;
    }
  }
  ps->ml->node[*e].index = f;
  PetscFunctionReturn(0);
}

/* Nesting (a parenthesis, a function's arguments, a prefix operator, an exponent) deeper than
 * ML_MAX_DEPTH is refused where it starts: the recursion below stays bounded. */
static PetscErrorCode Deeper(MLParser *ps)
{
  PetscFunctionBeginUser;
  if (++ps->depth > ML_MAX_DEPTH)
    PetscCall(ErrorAt(ps, ps->at, "expected an expression nested at most 200 deep%s%s", NULL, NULL));
  PetscFunctionReturn(0);
}

static PetscErrorCode Primary(MLParser *ps, int *e)
{
  char buf[64];
  PetscFunctionBeginUser;
  if (ps->tok == T_NUM) {
    PetscCall(NewNode(ps, ML_NUM, 0, 0, 0, 0, e));
    ps->ml->node[*e].value = ps->num;
    PetscCall(Next(ps));
  } else if (ps->tok == T_NAME) {
    char   name[TT_NAME_MAX];
    size_t at = ps->at;
    memcpy(name, ps->s + at, ps->toklen), name[ps->toklen] = 0;
    PetscCall(Next(ps));
    if (Is(ps, "(")) {
      PetscCall(Deeper(ps));
      PetscCall(Call(ps, name, at, e));
      ps->depth--;
    } else
      PetscCall(Name(ps, name, at, e));
  } else if (Is(ps, "(")) {
    PetscCall(Deeper(ps));
    PetscCall(Next(ps));
    PetscCall(Expr(ps, e));
    PetscCall(Expect(ps, ")", "closing the parenthesis"));
    ps->depth--;
  } else
    PetscCall(ErrorAt(ps, ps->at, "expected a number, a name, a function call or '(', found %s%s",
                      TokText(ps, buf, sizeof buf), NULL));
  PetscFunctionReturn(0);
}

static PetscErrorCode Unary(MLParser *ps, int *e);

static PetscErrorCode Power(MLParser *ps, int *e)
{
  int b;
  PetscFunctionBeginUser;
  PetscCall(Primary(ps, e));
  if (Is(ps, "^")) {
    PetscCall(Deeper(ps));
    PetscCall(Next(ps));
    PetscCall(Unary(ps, &b));
    PetscCall(NewNode(ps, ML_POW, 2, *e, b, 0, e));
    ps->depth--;
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode Unary(MLParser *ps, int *e)
{
  PetscFunctionBeginUser;
  if (Is(ps, "-") || Is(ps, "!") || Is(ps, "+")) {
    PetscBool plus = Is(ps, "+");
    MLOp      op   = Is(ps, "-") ? ML_NEG : ML_NOT;
    int       a;
    PetscCall(Deeper(ps));
    PetscCall(Next(ps));
    PetscCall(Unary(ps, &a));
    if (plus)
      *e = a;
    else
      PetscCall(NewNode(ps, op, 1, a, 0, 0, e));
    ps->depth--;
  } else
    PetscCall(Power(ps, e));
  PetscFunctionReturn(0);
}

typedef PetscErrorCode (*Level)(MLParser *, int *);

/* One left-associative level: operands from `sub`, operators ops[i] -> codes[i]. */
static PetscErrorCode Binary(MLParser *ps, Level sub, int nop, const char *const ops[], const MLOp codes[],
                             PetscBool chain, int *e)
{
  PetscFunctionBeginUser;
  PetscCall(sub(ps, e));
  for (;;) {
    int i, b;
    for (i = 0; i < nop && !Is(ps, ops[i]); i++) {
    }
    if (i == nop) break;
    PetscCall(Next(ps));
    PetscCall(sub(ps, &b));
    PetscCall(NewNode(ps, codes[i], 2, *e, b, 0, e));
    if (!chain) {
      for (i = 0; i < nop && !Is(ps, ops[i]); i++) {
      }
      if (i < nop)
        PetscCall(ErrorAt(ps, ps->at, "expected one comparison, found a chain (write a < b && b < c)%s%s", NULL, NULL));
      break;
    }
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode Prod(MLParser *ps, int *e)
{
  static const char *const ops[] = {"*", "/"};
  static const MLOp        c[]   = {ML_MUL, ML_DIV};
  return Binary(ps, Unary, 2, ops, c, PETSC_TRUE, e);
}

static PetscErrorCode Sum(MLParser *ps, int *e)
{
  static const char *const ops[] = {"+", "-"};
  static const MLOp        c[]   = {ML_ADD, ML_SUB};
  return Binary(ps, Prod, 2, ops, c, PETSC_TRUE, e);
}

static PetscErrorCode Cmp(MLParser *ps, int *e)
{
  static const char *const ops[] = {"<=", ">=", "==", "!=", "<", ">"};
  static const MLOp        c[]   = {ML_LE, ML_GE, ML_EQ, ML_NE, ML_LT, ML_GT};
  return Binary(ps, Sum, 6, ops, c, PETSC_FALSE, e);
}

static PetscErrorCode And(MLParser *ps, int *e)
{
  static const char *const ops[] = {"&&"};
  static const MLOp        c[]   = {ML_AND};
  return Binary(ps, Cmp, 1, ops, c, PETSC_TRUE, e);
}

static PetscErrorCode Expr(MLParser *ps, int *e)
{
  static const char *const ops[] = {"||"};
  static const MLOp        c[]   = {ML_OR};
  PetscFunctionBeginUser;
  PetscCall(Binary(ps, And, 1, ops, c, PETSC_TRUE, e));
  PetscFunctionReturn(0);
}

static PetscErrorCode Start(TTModelLang ml, TTYamlNode n, const char *key, const MLScope *scope, MLParser *ps)
{
  char buf[64];
  PetscFunctionBeginUser;
  memset(ps, 0, sizeof *ps);
  ps->ml = ml, ps->n = n, ps->key = key, ps->scope = scope, ps->target = "";
  ps->s = TTYamlScalar(ml->y, n);
  if (!ps->s)
    PetscCall(TTYamlError(ml->y, n, key, "expected expressions (a string), found %s",
                          TTYamlDescribe(ml->y, n, buf, sizeof buf)));
  ps->len = strlen(ps->s);
  PetscCall(Next(ps));
  PetscFunctionReturn(0);
}

PetscErrorCode MLParseExpression(TTModelLang ml, TTYamlNode n, const char *key, const MLScope *scope, int *expr)
{
  MLParser ps;
  char     buf[64];
  PetscFunctionBeginUser;
  PetscCall(Start(ml, n, key, scope, &ps));
  PetscCall(Expr(&ps, expr));
  if (ps.tok != T_EOF)
    PetscCall(ErrorAt(&ps, ps.at, "expected an operator or the end of the expression, found %s%s",
                      TokText(&ps, buf, sizeof buf), NULL));
  PetscFunctionReturn(0);
}

/* The target of a statement: NAME, or d/dt(NAME) when deriv. */
static PetscErrorCode Target(MLParser *ps, PetscBool deriv, char name[TT_NAME_MAX], size_t *at)
{
  char buf[64];
  PetscFunctionBeginUser;
  if (deriv) {
    if (ps->tok != T_NAME || ps->toklen != 1 || ps->s[ps->at] != 'd')
      PetscCall(ErrorAt(ps, ps->at, "expected a derivative d/dt(STATE) = ..., found %s%s", TokText(ps, buf, sizeof buf),
                        NULL));
    PetscCall(Next(ps));
    PetscCall(Expect(ps, "/", "in d/dt(STATE)"));
    if (ps->tok != T_NAME || ps->toklen != 2 || strncmp(ps->s + ps->at, "dt", 2))
      PetscCall(ErrorAt(ps, ps->at, "expected dt in d/dt(STATE), found %s%s", TokText(ps, buf, sizeof buf), NULL));
    PetscCall(Next(ps));
    PetscCall(Expect(ps, "(", "in d/dt(STATE)"));
  }
  if (ps->tok != T_NAME)
    PetscCall(ErrorAt(ps, ps->at, "expected a name to assign (NAME = expression), found %s%s",
                      TokText(ps, buf, sizeof buf), NULL));
  *at = ps->at;
  memcpy(name, ps->s + ps->at, ps->toklen), name[ps->toklen] = 0;
  PetscCall(Next(ps));
  if (deriv) PetscCall(Expect(ps, ")", "closing d/dt(STATE)"));
  PetscFunctionReturn(0);
}

PetscErrorCode MLParseStatements(TTModelLang ml, TTYamlNode n, const char *key, PetscBool deriv, MLScope *scope,
                                 MLAssign assign, void *ctx)
{
  MLParser ps;
  char     buf[64];
  PetscFunctionBeginUser;
  PetscCall(Start(ml, n, key, scope, &ps));
  for (;;) {
    char   name[TT_NAME_MAX] = "";
    size_t at                = 0;
    int    e                 = 0;
    while (ps.tok == T_NL) PetscCall(Next(&ps));
    if (ps.tok == T_EOF) break;
    PetscCall(Target(&ps, deriv, name, &at));
    PetscCall(Expect(&ps, "=", deriv ? "after d/dt(STATE)" : "after the name (NAME = expression)"));
    ps.target = name;
    PetscCall(Expr(&ps, &e));
    ps.target = "";
    if (ps.tok != T_NL && ps.tok != T_EOF)
      PetscCall(ErrorAt(&ps, ps.at, "expected an operator or the end of the line, found %s%s",
                        TokText(&ps, buf, sizeof buf), NULL));
    PetscCall(assign(ml, key, name, MLLocInScalar(ml, n, at), e, ctx));
  }
  PetscFunctionReturn(0);
}

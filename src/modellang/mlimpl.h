/* mlimpl.h — private to src/modellang: the parsed model (TTModelLang) and its
 * expression tree.
 *
 * Invariants of a TTModelLang after TTModelLangParse succeeds: every expression node
 * refers only to symbols visible where it stands (ml_expr.c resolves names while
 * parsing, in file order); every individual variable, state, output is assigned once;
 * every state has one derivative (ODE model) and there are none in a closed-form one;
 * residual entries name outputs; omega is symmetric positive definite and chol its
 * lower Cholesky factor (LAPACK dpotrf); tlo[i] < 0 < thi[i] (+-INFINITY: not truncated).
 */
#ifndef TWINTRIAL_MLIMPL_H
#define TWINTRIAL_MLIMPL_H

#include <twintrial/modellang.h>
#include <twintrial/protocol.h>

#define ML_MAX_NAMES  64     /* of each kind */
#define ML_MAX_NODES  200000 /* expression nodes in one model */
#define ML_MAX_DEPTH  200    /* nesting of an expression (parentheses, unary operators) */
#define ML_MAX_HEIGHT 1000   /* operations nested in one expression tree */
#define ML_UNIT_MAX   64
#define ML_MAX_EVENTS 8 /* event types */

typedef enum {
  ML_NUM,
  ML_SYM,
  ML_NEG,
  ML_NOT,
  ML_ADD,
  ML_SUB,
  ML_MUL,
  ML_DIV,
  ML_POW,
  ML_LT,
  ML_LE,
  ML_GT,
  ML_GE,
  ML_EQ,
  ML_NE,
  ML_AND,
  ML_OR,
  ML_CALL,
  ML_BEFORE /* before(OUTPUT): index = the output */
} MLOp;

/* Kinds of names, in the order a name is looked up. */
typedef enum { MS_PARAM, MS_EFFECT, MS_COV, MS_LATENT, MS_INDIV, MS_STATE, MS_OUTPUT, MS_TIME, MS_NKIND } MLKind;

typedef enum {
  MF_EXP,
  MF_LOG,
  MF_LOG10,
  MF_SQRT,
  MF_ABS,
  MF_FLOOR,
  MF_CEIL,
  MF_SIN,
  MF_COS,
  MF_TAN,
  MF_TANH,
  MF_LOGIT,
  MF_EXPIT,
  MF_POW,
  MF_MIN,
  MF_MAX,
  MF_IF,
  MF_NFUNC
} MLFunc;

typedef struct {
  const char *name;
  int         nargs; /* min and max take 2 or more (folded into a chain of two) */
  const char *what;
} MLFuncInfo;
extern const MLFuncInfo MLFuncs[MF_NFUNC];

typedef struct {
  MLOp   op;
  MLKind kind;   /* ML_SYM */
  int    index;  /* ML_SYM: index within its kind (MS_TIME: 0 t, 1 t_switch); ML_CALL: MLFunc; ML_BEFORE: output */
  double value;  /* ML_NUM */
  int    kid[3]; /* operands (node indices) */
  int    height; /* 1 + the tallest operand's */
} MLNode;

typedef struct {
  char   name[TT_NAME_MAX];
  char   unit[ML_UNIT_MAX];
  char   description[128]; /* parameters: optional; outputs: the plausible range's source */
  double value;
  double lo, hi; /* outputs: plausible range (ranges:) */
  int    domain; /* parameters: TTDomain (model.h), optional `domain:` */
  TTLoc  loc;
} MLName;

/* Observation families beyond the normal ones (ml_family.c). */
typedef enum { MR_NORMAL, MR_BETA, MR_POISSON, MR_NEGBIN } MLFamily;

/* Residual error of one output (all zero: none, the output is not observed). MR_NORMAL:
 * additive and proportional (or lognormal) sds; MR_BETA: q = {precision, lo, hi};
 * MR_POISSON: none; MR_NEGBIN: q[0] = dispersion. */
typedef struct {
  int      has;
  MLFamily family;
  double   additive, proportional, lognormal;
  double   q[3];
} MLResidual;

/* One event type (events:): its hazard (a node) and whether it recurs. */
typedef struct {
  char  name[TT_NAME_MAX];
  TTLoc loc;
  int   hazard, recurrent;
} MLEvent;

struct _p_TTModelLang {
  TTYaml     y;
  char       name[TT_NAME_MAX];
  TTLoc      name_loc;
  char       time_unit[16];
  char       description[256], reference[256];
  double     time_unit_days;
  int        n[MS_NKIND];
  MLName     sym[MS_NKIND][ML_MAX_NAMES];  /* names of each kind (MS_TIME: none) */
  int        expr[MS_NKIND][ML_MAX_NAMES]; /* MS_INDIV, MS_OUTPUT: value; MS_STATE: initial value */
  int        deriv[ML_MAX_NAMES];          /* MS_STATE: d/dt (node), -1 until given */
  int        ode;                          /* 1: states and odes given */
  int        ranges;                       /* 1: every output has a plausible range */
  int        dosing, dose_state;           /* dosing: section given, the state doses enter */
  int        dose_expr[4];                 /* amount, first, interval, count (-1: default) */
  double     omega[ML_MAX_NAMES * ML_MAX_NAMES], chol[ML_MAX_NAMES * ML_MAX_NAMES];
  double     tlo[ML_MAX_NAMES], thi[ML_MAX_NAMES]; /* truncation of each eta (+-INFINITY: none) */
  MLResidual residual[ML_MAX_NAMES];
  int        nevent;
  MLEvent    event[ML_MAX_EVENTS];
  int        nnode, maxnode;
  MLNode    *node;
};

/* Where names of each kind may be read: a mask of kinds and how many of the individual
 * variables and outputs are defined so far. */
typedef struct {
  unsigned    kinds;
  int         nindiv, noutput;
  const char *where;     /* "individual", "odes", ...: for messages */
  int         switching; /* 1: t_switch and before(OUTPUT) may be read (a closed-form model's outputs) */
} MLScope;

/* ml_expr.c. The statements of block scalar `n` (key `key`): each "NAME = expr" or, when
 * deriv, "d/dt(NAME) = expr"; `assign` is called once per statement with the target's
 * name, its location and the expression (a node). */
typedef PetscErrorCode (*MLAssign)(TTModelLang ml, const char *key, const char *name, TTLoc loc, int expr, void *ctx);
PetscErrorCode MLParseStatements(TTModelLang ml, TTYamlNode n, const char *key, PetscBool deriv, MLScope *scope,
                                 MLAssign assign, void *ctx);
/* One expression: the whole scalar n. */
PetscErrorCode MLParseExpression(TTModelLang ml, TTYamlNode n, const char *key, const MLScope *scope, int *expr);
/* Location of byte `offset` of scalar n's value (block scalars mapped line by line). */
TTLoc MLLocInScalar(TTModelLang ml, TTYamlNode n, size_t offset);
/* Index of `name` among the names of `kind`, or -1. */
int MLFind(TTModelLang ml, MLKind kind, const char *name);
/* Kind of a name visible anywhere (MS_NKIND: none). */
MLKind                   MLLookup(TTModelLang ml, const char *name, int *index);
extern const char *const MLKindNames[MS_NKIND];

/* ml_check.c: Cholesky of omega (dpotrf); 0 when positive definite. */
int MLCholesky(int n, const double *a, double *l);

/* ml_residual.c: the residual section (after outputs); 1 when every observed output is
 * normal with a constant variance on its scale (additive alone, or lognormal), so the
 * model declares gauss_newton (model.h). */
PetscErrorCode MLParseResidual(TTModelLang ml, TTYamlNode map);
int            MLResidualGaussNewton(TTModelLang ml);

/* ml_gen.c: the C expression of node e. */
PetscErrorCode MLGenExpr(TTModelLang ml, int e, FILE *out);
/* ml_gen.c: v[i] = ... for every individual variable (in a function with par, cov, eta, eff). */
PetscErrorCode MLGenIndividual(TTModelLang ml, FILE *out);

/* ml_events.c: the events section (after outputs: scope sees everything an output does
 * and the outputs); the generated hazard (and hazard_regimen of a closed-form model). */
PetscErrorCode MLParseEvents(TTModelLang ml, TTYamlNode map, MLScope *scope);
PetscErrorCode MLGenEvents(TTModelLang ml, FILE *out);

#endif

/* yaml.c — TTYaml: a whole YAML file loaded with libyaml's document API, plus
 * checked conversions that report user mistakes as one located line.
 *
 * Owns: the file's bytes (kept verbatim for provenance) and the libyaml
 * document. Invariants after TTYamlLoad succeeds: the document has a root node;
 * it is the only document in the file; every mapping key is a scalar; no
 * mapping repeats a key (libyaml allows duplicates, we do not).
 * Every message has the form "FILE:LINE:COLUMN: KEY: expected …" with 1-based
 * line and column (libyaml counts characters, not bytes) and KEY the dotted path
 * ("trial.patients", "arms[1].effect"); document-level problems use KEY "document".
 * Numbers are strict: plain scalars only, fully consumed by strtod/strtol,
 * finite, no hex, no inf/nan; integers reject fractions and overflow.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>
#include <twintrial/protocol.h>
#include "protocol/protocolimpl.h"
#include "protocol/yamlimpl.h"

static yaml_node_t *Node(TTYaml y, TTYamlNode n)
{
  return (y && n > 0) ? yaml_document_get_node(&y->doc, n) : NULL;
}

const char *TTYamlPath(TTYaml y)
{
  return y->path;
}

const char *TTYamlText(TTYaml y)
{
  return y->text;
}

TTYamlNode TTYamlRoot(TTYaml y)
{
  yaml_node_t *root = yaml_document_get_root_node(&y->doc);
  return root ? (TTYamlNode) (root - y->doc.nodes.start) + 1 : 0;
}

TTLoc TTYamlLoc(TTYaml y, TTYamlNode n)
{
  yaml_node_t *node = Node(y, n);
  TTLoc        loc  = {0, 0};
  if (node) {
    loc.line   = (int) node->start_mark.line + 1;
    loc.column = (int) node->start_mark.column + 1;
  }
  return loc;
}

PetscBool TTYamlIsMapping(TTYaml y, TTYamlNode n)
{
  yaml_node_t *node = Node(y, n);
  return (node && node->type == YAML_MAPPING_NODE) ? PETSC_TRUE : PETSC_FALSE;
}

PetscBool TTYamlIsSequence(TTYaml y, TTYamlNode n)
{
  yaml_node_t *node = Node(y, n);
  return (node && node->type == YAML_SEQUENCE_NODE) ? PETSC_TRUE : PETSC_FALSE;
}

PetscBool TTYamlIsScalar(TTYaml y, TTYamlNode n)
{
  yaml_node_t *node = Node(y, n);
  return (node && node->type == YAML_SCALAR_NODE) ? PETSC_TRUE : PETSC_FALSE;
}

int TTYamlLength(TTYaml y, TTYamlNode n)
{
  yaml_node_t *node = Node(y, n);
  if (!node) return 0;
  if (node->type == YAML_SEQUENCE_NODE) return (int) (node->data.sequence.items.top - node->data.sequence.items.start);
  if (node->type == YAML_MAPPING_NODE) return (int) (node->data.mapping.pairs.top - node->data.mapping.pairs.start);
  return 0;
}

TTYamlNode TTYamlItem(TTYaml y, TTYamlNode seq, int i)
{
  yaml_node_t *node = Node(y, seq);
  if (!node || node->type != YAML_SEQUENCE_NODE || i < 0 || i >= TTYamlLength(y, seq)) return 0;
  return node->data.sequence.items.start[i];
}

void TTYamlPair(TTYaml y, TTYamlNode map, int i, TTYamlNode *key, TTYamlNode *value)
{
  yaml_node_t *node = Node(y, map);
  *key = *value = 0;
  if (!node || node->type != YAML_MAPPING_NODE || i < 0 || i >= TTYamlLength(y, map)) return;
  *key   = node->data.mapping.pairs.start[i].key;
  *value = node->data.mapping.pairs.start[i].value;
}

const char *TTYamlScalar(TTYaml y, TTYamlNode n)
{
  yaml_node_t *node = Node(y, n);
  return (node && node->type == YAML_SCALAR_NODE) ? (const char *) node->data.scalar.value : NULL;
}

static TTYamlNode FindPair(TTYaml y, TTYamlNode map, const char *name, PetscBool want_key)
{
  int n = TTYamlLength(y, map);
  if (!TTYamlIsMapping(y, map)) return 0;
  for (int i = 0; i < n; i++) {
    TTYamlNode  k, v;
    const char *s;
    TTYamlPair(y, map, i, &k, &v);
    s = TTYamlScalar(y, k);
    if (s && !strcmp(s, name)) return want_key ? k : v;
  }
  return 0;
}

TTYamlNode TTYamlFind(TTYaml y, TTYamlNode map, const char *name)
{
  return FindPair(y, map, name, PETSC_FALSE);
}

TTYamlNode TTYamlFindKey(TTYaml y, TTYamlNode map, const char *name)
{
  return FindPair(y, map, name, PETSC_TRUE);
}

/* A plain scalar that YAML reads as null: empty, "~", "null". */
static PetscBool IsNull(yaml_node_t *node)
{
  const char *s = (const char *) node->data.scalar.value;
  if (node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) return PETSC_FALSE;
  return (!s[0] || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL")) ? PETSC_TRUE
                                                                                                      : PETSC_FALSE;
}

const char *TTYamlDescribe(TTYaml y, TTYamlNode n, char *buf, size_t len)
{
  yaml_node_t *node = Node(y, n);
  if (!node) return "nothing";
  if (node->type == YAML_MAPPING_NODE) return "a mapping";
  if (node->type == YAML_SEQUENCE_NODE) return "a sequence";
  if (IsNull(node)) return "an empty value";
  if (strlen((const char *) node->data.scalar.value) > 40)
    snprintf(buf, len, "'%.37s...'", node->data.scalar.value);
  else
    snprintf(buf, len, "'%s'", node->data.scalar.value);
  return buf;
}

TTLoc TTYamlLocInScalar(TTYaml y, TTYamlNode n, size_t offset)
{
  yaml_node_t *node = Node(y, n);
  TTLoc        loc  = TTYamlLoc(y, n);
  size_t       len, width;
  int          quoted;
  if (!node || node->type != YAML_SCALAR_NODE) return loc;
  len    = node->data.scalar.length;
  quoted = node->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
           node->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE;
  if (!quoted && node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) return loc;
  if (node->start_mark.line != node->end_mark.line || offset > len) return loc;
  width = node->end_mark.column - node->start_mark.column;
  if (width != len + (quoted ? 2 : 0)) return loc; /* escapes or multi-byte characters: columns would drift */
  loc.column += (int) offset + (quoted ? 1 : 0);
  return loc;
}

/* Control characters (a newline inside a quoted key or value) become spaces: one line. */
static void OneLine(char *s)
{
  for (; *s; s++)
    if ((unsigned char) *s < 0x20 || *s == 0x7f) *s = ' ';
}

static PetscErrorCode VError(TTYaml y, TTLoc loc, const char *key, const char *fmt, va_list ap)
{
  char msg[768], k[256];
  PetscFunctionBeginUser;
  vsnprintf(msg, sizeof msg, fmt, ap);
  snprintf(k, sizeof k, "%s", key && key[0] ? key : "document");
  OneLine(msg);
  OneLine(k);
  SETERRQ(PETSC_COMM_SELF, PETSC_ERR_USER, "%s:%d:%d: %s: %s", y->path, loc.line, loc.column, k, msg);
}

PetscErrorCode TTYamlErrorAt(TTYaml y, TTLoc loc, const char *key, const char *fmt, ...)
{
  va_list        ap;
  PetscErrorCode ierr;
  va_start(ap, fmt);
  ierr = VError(y, loc, key, fmt, ap);
  va_end(ap);
  return ierr;
}

PetscErrorCode TTYamlError(TTYaml y, TTYamlNode n, const char *key, const char *fmt, ...)
{
  va_list        ap;
  PetscErrorCode ierr;
  va_start(ap, fmt);
  ierr = VError(y, TTYamlLoc(y, n), key, fmt, ap);
  va_end(ap);
  return ierr;
}

/* ---- checked conversions ---- */

/* The scalar text of a number-like node, or a located error describing what was found. */
static PetscErrorCode NumberText(TTYaml y, TTYamlNode n, const char *key, const char *what, const char **s)
{
  yaml_node_t *node = Node(y, n);
  char         buf[64];
  PetscFunctionBeginUser;
  *s = NULL;
  if (!node || node->type != YAML_SCALAR_NODE || IsNull(node))
    PetscCall(TTYamlError(y, n, key, "expected %s, found %s", what, TTYamlDescribe(y, n, buf, sizeof buf)));
  if (node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
    PetscCall(TTYamlError(y, n, key, "expected %s, found a quoted string", what));
  *s = (const char *) node->data.scalar.value;
  PetscFunctionReturn(0);
}

/* Decimal literal characters only (no hex, inf, nan, whitespace). */
static PetscBool DecimalChars(const char *s, PetscBool fraction)
{
  for (; *s; s++) {
    if (isdigit((unsigned char) *s) || *s == '+' || *s == '-') continue;
    if (fraction && (*s == '.' || *s == 'e' || *s == 'E')) continue;
    return PETSC_FALSE;
  }
  return PETSC_TRUE;
}

PetscErrorCode TTYamlGetReal(TTYaml y, TTYamlNode n, const char *key, double *v)
{
  const char *s;
  char       *end;
  double      x;
  PetscFunctionBeginUser;
  PetscCall(NumberText(y, n, key, "a real number", &s));
  errno = 0;
  x     = strtod(s, &end);
  if (end == s || *end || !DecimalChars(s, PETSC_TRUE))
    PetscCall(TTYamlError(y, n, key, "expected a real number, found '%s'", s));
  if (!isfinite(x)) PetscCall(TTYamlError(y, n, key, "expected a finite real number, found '%s'", s));
  *v = x;
  PetscFunctionReturn(0);
}

PetscErrorCode TTYamlGetInt(TTYaml y, TTYamlNode n, const char *key, long *v)
{
  const char *s;
  char       *end;
  long        x;
  PetscFunctionBeginUser;
  PetscCall(NumberText(y, n, key, "an integer", &s));
  errno = 0;
  x     = strtol(s, &end, 10);
  if (end == s || *end || !DecimalChars(s, PETSC_FALSE))
    PetscCall(TTYamlError(y, n, key, "expected an integer, found '%s'", s));
  if (errno == ERANGE) PetscCall(TTYamlError(y, n, key, "expected an integer, found '%s' (out of range)", s));
  *v = x;
  PetscFunctionReturn(0);
}

PetscErrorCode TTYamlGetUInt64(TTYaml y, TTYamlNode n, const char *key, uint64_t *v)
{
  const char        *s;
  char              *end;
  unsigned long long x;
  PetscFunctionBeginUser;
  PetscCall(NumberText(y, n, key, "an integer in 0..18446744073709551615", &s));
  errno = 0;
  x     = strtoull(s, &end, 10);
  if (end == s || *end || !DecimalChars(s, PETSC_FALSE) || s[0] == '-')
    PetscCall(TTYamlError(y, n, key, "expected an integer in 0..18446744073709551615, found '%s'", s));
  if (errno == ERANGE)
    PetscCall(TTYamlError(y, n, key, "expected an integer in 0..18446744073709551615, found '%s' (out of range)", s));
  *v = (uint64_t) x;
  PetscFunctionReturn(0);
}

PetscErrorCode TTYamlGetBool(TTYaml y, TTYamlNode n, const char *key, PetscBool *v)
{
  const char *s;
  PetscBool   t, yes, f, no;
  PetscFunctionBeginUser;
  PetscCall(NumberText(y, n, key, "true or false", &s));
  PetscCall(PetscStrcasecmp(s, "true", &t));
  PetscCall(PetscStrcasecmp(s, "yes", &yes));
  PetscCall(PetscStrcasecmp(s, "false", &f));
  PetscCall(PetscStrcasecmp(s, "no", &no));
  if (t || yes)
    *v = PETSC_TRUE;
  else if (f || no)
    *v = PETSC_FALSE;
  else
    PetscCall(TTYamlError(y, n, key, "expected true or false, found '%s'", s));
  PetscFunctionReturn(0);
}

PetscErrorCode TTYamlGetString(TTYaml y, TTYamlNode n, const char *key, char *buf, size_t len)
{
  yaml_node_t *node = Node(y, n);
  char         tmp[64];
  PetscFunctionBeginUser;
  if (!node || node->type != YAML_SCALAR_NODE || IsNull(node))
    PetscCall(TTYamlError(y, n, key, "expected a string, found %s", TTYamlDescribe(y, n, tmp, sizeof tmp)));
  if (node->data.scalar.length == 0) PetscCall(TTYamlError(y, n, key, "expected a non-empty string"));
  if (node->data.scalar.length >= len || strlen((const char *) node->data.scalar.value) != node->data.scalar.length)
    PetscCall(TTYamlError(y, n, key, "expected a string of at most %zu characters without NUL", len - 1));
  memcpy(buf, node->data.scalar.value, node->data.scalar.length + 1);
  PetscFunctionReturn(0);
}

PetscBool TTIsName(const char *s)
{
  if (!s || !(isalpha((unsigned char) s[0]) || s[0] == '_')) return PETSC_FALSE;
  for (s++; *s; s++)
    if (!(isalnum((unsigned char) *s) || *s == '_')) return PETSC_FALSE;
  return PETSC_TRUE;
}

PetscErrorCode TTYamlGetName(TTYaml y, TTYamlNode n, const char *key, char name[TT_NAME_MAX])
{
  char buf[TT_NAME_MAX];
  PetscFunctionBeginUser;
  PetscCall(TTYamlGetString(y, n, key, buf, sizeof buf));
  if (!TTIsName(buf))
    PetscCall(TTYamlError(y, n, key, "expected a name of letters, digits and _ (not starting with a digit), found '%s'",
                          buf));
  PetscCall(PetscStrncpy(name, buf, TT_NAME_MAX));
  PetscFunctionReturn(0);
}

PetscErrorCode TTYamlGetChoice(TTYaml y, TTYamlNode n, const char *key, int nchoice, const char *const choices[],
                               int *index)
{
  const char *s         = TTYamlScalar(y, n);
  char        list[512] = "", buf[64];
  PetscFunctionBeginUser;
  for (int i = 0; s && i < nchoice; i++) {
    if (!strcmp(s, choices[i])) {
      *index = i;
      PetscFunctionReturn(0);
    }
  }
  for (int i = 0; i < nchoice; i++) {
    PetscCall(PetscStrlcat(list, i ? (i == nchoice - 1 ? " or " : ", ") : "", sizeof list));
    PetscCall(PetscStrlcat(list, choices[i], sizeof list));
  }
  PetscCall(TTYamlError(y, n, key, "expected %s, found %s", list, TTYamlDescribe(y, n, buf, sizeof buf)));
  PetscFunctionReturn(0);
}

/* ---- structure checks ---- */

PetscErrorCode TTYamlCheckMapping(TTYaml y, TTYamlNode n, const char *key, const char *what)
{
  char buf[64];
  PetscFunctionBeginUser;
  if (!TTYamlIsMapping(y, n))
    PetscCall(TTYamlError(y, n, key, "expected %s, found %s", what, TTYamlDescribe(y, n, buf, sizeof buf)));
  PetscFunctionReturn(0);
}

PetscErrorCode TTYamlCheckSequence(TTYaml y, TTYamlNode n, const char *key, const char *what)
{
  char buf[64];
  PetscFunctionBeginUser;
  if (!TTYamlIsSequence(y, n))
    PetscCall(TTYamlError(y, n, key, "expected %s, found %s", what, TTYamlDescribe(y, n, buf, sizeof buf)));
  PetscFunctionReturn(0);
}

PetscErrorCode TTYamlGetCriteria(TTYaml y, TTYamlNode n, const char *key, const char *example, const char **text)
{
  char buf[64];
  PetscFunctionBeginUser;
  if (!TTYamlIsScalar(y, n) || !TTYamlScalar(y, n)[0])
    PetscCall(TTYamlError(y, n, key, "expected a criteria expression such as \"%s\", found %s", example,
                          TTYamlDescribe(y, n, buf, sizeof buf)));
  *text = TTYamlScalar(y, n);
  PetscFunctionReturn(0);
}

PetscErrorCode TTYamlCheckKeys(TTYaml y, TTYamlNode map, const char *key, int nallowed, const char *const allowed[])
{
  int n = TTYamlLength(y, map);
  PetscFunctionBeginUser;
  for (int i = 0; i < n; i++) {
    TTYamlNode  k, v;
    const char *s;
    PetscBool   ok        = PETSC_FALSE;
    char        list[512] = "", path[256];
    TTYamlPair(y, map, i, &k, &v);
    s = TTYamlScalar(y, k);
    for (int j = 0; j < nallowed && !ok; j++) ok = strcmp(s, allowed[j]) ? PETSC_FALSE : PETSC_TRUE;
    if (ok) continue;
    for (int j = 0; j < nallowed; j++) {
      PetscCall(PetscStrlcat(list, j ? ", " : "", sizeof list));
      PetscCall(PetscStrlcat(list, allowed[j], sizeof list));
    }
    PetscCall(TTYamlKeyJoin(path, sizeof path, key, s));
    PetscCall(TTYamlError(y, k, path, "unknown key; expected one of %s", list));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TTYamlRequire(TTYaml y, TTYamlNode map, const char *key, const char *name, const char *what,
                             TTYamlNode *value)
{
  char path[256];
  PetscFunctionBeginUser;
  *value = TTYamlFind(y, map, name);
  if (!*value) {
    PetscCall(TTYamlKeyJoin(path, sizeof path, key, name));
    PetscCall(TTYamlError(y, map, path, "missing required key; expected %s", what));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TTYamlKeyJoin(char *buf, size_t len, const char *parent, const char *child)
{
  PetscFunctionBeginUser;
  if (parent && parent[0])
    PetscCall(PetscSNPrintf(buf, len, "%s.%s", parent, child));
  else
    PetscCall(PetscSNPrintf(buf, len, "%s", child));
  PetscFunctionReturn(0);
}

PetscErrorCode TTYamlGetPath(TTYaml y, TTYamlNode n, const char *key, char *out, size_t len)
{
  char        given[TT_PATH_MAX];
  const char *slash = strrchr(y->path, '/');
  PetscFunctionBeginUser;
  PetscCall(TTYamlGetString(y, n, key, given, sizeof given));
  if (given[0] == '/' || !slash)
    PetscCall(PetscSNPrintf(out, len, "%s", given));
  else
    PetscCall(PetscSNPrintf(out, len, "%.*s/%s", (int) (slash - y->path), y->path, given));
  PetscFunctionReturn(0);
}

PetscErrorCode TTYamlKeyIndex(char *buf, size_t len, const char *parent, int i)
{
  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(buf, len, "%s[%d]", parent ? parent : "", i));
  PetscFunctionReturn(0);
}

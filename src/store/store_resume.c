/* store_resume.c — why a results file cannot be resumed by this run: the first
 * difference between the resolved protocol stored in PATH.tmp and this run's, named by
 * its key path with both values (trial.seed: 20261124 there, 99 in this run).
 *
 * Works on the YAML that TTProtocolView writes: block mappings and sequences by
 * indentation ("key:" / "key: value" / "- item"), flow collections ({...}, [...]) on
 * one line, comments after " #". A sequence item that is a flow mapping with a `name`
 * is named by it (arms[donepezil_10mg]), otherwise by its index. No I/O, not collective.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "storeimpl.h"

#define DEPTH 32

typedef struct {
  int  indent, seq; /* seq: index of the current "- " item under this key, -1 none yet */
  char name[96];
} Level;

/* Appends to the string buf[len] (cut short if full). */
static void Append(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void Append(char *buf, size_t len, const char *fmt, ...)
{
  size_t  k = strlen(buf);
  va_list ap;
  if (k + 1 >= len) return;
  va_start(ap, fmt);
  vsnprintf(buf + k, len - k, fmt, ap);
  va_end(ap);
}

/* Length of line s (without the newline). */
static size_t LineLen(const char *s)
{
  return strcspn(s, "\n");
}

static const char *NextLine(const char *s)
{
  s += LineLen(s);
  return *s ? s + 1 : s;
}

/* Copies the scalar token of flow/plain text v at position i into out (stops at , } ]
 * outside quotes, and at a comment). */
static void Token(const char *v, size_t n, size_t i, char *out, size_t len)
{
  size_t a = i, b = i, k = 0;
  while (a > 0 && !strchr("{[,", v[a - 1]) && !(a >= 2 && v[a - 1] == ' ' && v[a - 2] == ':')) a--;
  while (a < n && v[a] == ' ') a++;
  for (int q = 0; b < n && (q || !strchr(",}]", v[b])) && !(!q && b > a && v[b] == '#' && v[b - 1] == ' '); b++)
    if (v[b] == '"') q = !q;
  while (b > a && v[b - 1] == ' ') b--;
  for (; a < b && k + 1 < len; a++) out[k++] = v[a];
  if (a < b && k >= 3) out[k - 3] = out[k - 2] = out[k - 1] = '.'; /* cut short */
  out[k] = 0;
  if (!k) snprintf(out, len, "(nothing)");
}

/* The path inside a one-line flow collection v (length n) down to position pos. */
static void FlowPath(const char *v, size_t pos, char *path, size_t len)
{
  char   key[DEPTH][96];
  int    idx[DEPTH], map[DEPTH], top = -1, q = 0;
  size_t start = 0;

  for (size_t j = 0; j < pos; j++) {
    char c = v[j];
    if (c == '"') q = !q;
    if (q) continue;
    if ((c == '{' || c == '[') && top + 1 < DEPTH) {
      top++, map[top] = c == '{', idx[top] = 0, key[top][0] = 0, start = j + 1;
    } else if ((c == '}' || c == ']') && top >= 0)
      top--;
    else if (c == ',' && top >= 0)
      idx[top]++, key[top][0] = 0, start = j + 1;
    else if (c == ':' && top >= 0 && map[top] && !key[top][0]) {
      size_t a = start, b = j;
      while (a < b && v[a] == ' ') a++;
      snprintf(key[top], sizeof(key[top]), "%.*s", (int) (b - a), v + a);
    }
  }
  path[0] = 0;
  for (int l = 0; l <= top; l++) {
    if (map[l] && key[l][0])
      Append(path, len, ".%s", key[l]);
    else if (!map[l])
      Append(path, len, "[%d]", idx[l]);
  }
}

/* Parses one line: indent, whether it is a "- " item, its key (if "key:"), its value. */
static void SplitLine(const char *s, size_t n, int *indent, int *item, char *key, size_t klen, const char **val,
                      size_t *vlen)
{
  size_t i = 0, c;
  while (i < n && s[i] == ' ') i++;
  *indent = (int) i;
  *item   = i + 1 < n && s[i] == '-' && s[i + 1] == ' ';
  if (*item) i += 2;
  key[0] = 0;
  c      = i;
  if (i < n && s[i] != '{' && s[i] != '[' && s[i] != '"') {
    while (c < n && s[c] != ':' && s[c] != ' ') c++;
    if (c < n && s[c] == ':' && (c + 1 == n || s[c + 1] == ' ')) {
      snprintf(key, klen, "%.*s", (int) (c - i), s + i);
      i = c + 1;
      while (i < n && s[i] == ' ') i++;
    }
  }
  *val  = s + i;
  *vlen = n - i;
}

/* The name of a flow-mapping item "{name: X, ...}", or "". */
static void ItemName(const char *v, size_t n, char *out, size_t len)
{
  out[0] = 0;
  if (n > 7 && !strncmp(v, "{name: ", 7)) Token(v, n, 7, out, len);
}

/* Follows the key path through an equal line. */
static void Track(Level lv[], int *depth, const char *s, size_t n)
{
  int         ind, item;
  char        key[96];
  const char *v;
  size_t      vl;

  SplitLine(s, n, &ind, &item, key, sizeof(key), &v, &vl);
  if (!n || s[ind] == '#') return;
  while (*depth > 0 && (lv[*depth - 1].indent > ind || (lv[*depth - 1].indent == ind && !item))) (*depth)--;
  if (item && *depth > 0) lv[*depth - 1].seq++;
  if (key[0] && *depth < DEPTH) {
    lv[*depth].indent = item ? ind + 2 : ind, lv[*depth].seq = -1;
    snprintf(lv[*depth].name, sizeof(lv[*depth].name), "%s", key);
    (*depth)++;
  }
}

/* The value of a differing line at the first differing position p (flow) or whole. */
static void Value(size_t n, const char *v, size_t vl, size_t p, char *out, size_t len)
{
  if (!n)
    snprintf(out, len, "(nothing)");
  else
    Token(v, vl, vl && (v[0] == '{' || v[0] == '[') ? PetscMin(p, vl - 1) : 0, out, len);
}

/* Names the differing lines a (old) and b (this run's) under the path lv[0..depth). */
static void DescribeLines(const Level lv[], int depth, const char *a, size_t na, const char *b, size_t nb, char *path,
                          size_t plen, char *there, char *here, size_t vlen)
{
  int         ind, item, ib, itemb;
  char        key[96], keyb[96], name[96];
  const char *va, *vb;
  size_t      la, lb, p = 0;

  SplitLine(a, na, &ind, &item, key, sizeof(key), &va, &la);
  SplitLine(b, nb, &ib, &itemb, keyb, sizeof(keyb), &vb, &lb);
  while (depth > 0 && (lv[depth - 1].indent > ind || (lv[depth - 1].indent == ind && !item))) depth--;
  path[0] = 0;
  for (int l = 0; l < depth; l++) {
    Append(path, plen, "%s%s", l ? "." : "", lv[l].name);
    if (l < depth - 1 || !item) continue;
    ItemName(va, la, name, sizeof(name));
    if (name[0])
      Append(path, plen, "[%s]", name);
    else
      Append(path, plen, "[%d]", lv[l].seq + 1);
  }
  if (key[0]) Append(path, plen, "%s%s", path[0] ? "." : "", key);
  while (p < la && p < lb && va[p] == vb[p]) p++;
  Value(na, va, la, p, there, vlen);
  Value(nb, vb, lb, p, here, vlen);
  if (strcmp(there, here) && la && (va[0] == '{' || va[0] == '['))
    FlowPath(va, p, path + strlen(path), plen - strlen(path));
  else if (!strcmp(there, here)) { /* a changed key or structure: show the values whole */
    snprintf(there, vlen, "%.*s%s", (int) PetscMin(la, 100), va, la > 100 ? "..." : "");
    snprintf(here, vlen, "%.*s%s", (int) PetscMin(lb, 100), vb, lb > 100 ? "..." : "");
  }
}

void TTStoreResolvedDifference(const char *old, const char *cur, char *msg, size_t len)
{
  Level       lv[DEPTH];
  int         depth = 0, ndiff = 0;
  char        path[512] = "", there[160], here[160];
  const char *a = old, *b = cur;

  for (; *a || *b; a = NextLine(a), b = NextLine(b)) {
    size_t na = LineLen(a), nb = LineLen(b);
    if (na == nb && !strncmp(a, b, na)) {
      if (!ndiff) Track(lv, &depth, a, na);
    } else if (!ndiff++)
      DescribeLines(lv, depth, a, na, b, nb, path, sizeof(path), there, here, sizeof(there));
  }
  if (!ndiff)
    snprintf(msg, len, "the resolved protocols differ");
  else
    snprintf(msg, len, "%s is %s there but %s in this run%s", path[0] ? path : "the protocol", there, here,
             ndiff > 1 ? " (the first of several differences)" : "");
}

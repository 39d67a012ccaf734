/* yaml_load.c — TTYamlLoad/TTYamlDestroy: reads a YAML file and checks it before any
 * key is looked at (see yaml.c for the invariants a loaded TTYaml keeps).
 *
 * Refused here, each with one located message: a path that is not a regular file (a
 * directory cannot be read, a FIFO would block), more than TT_YAML_MAX_BYTES, libyaml
 * syntax errors (control characters such as NUL, invalid UTF-8, truncation), an empty
 * file, a second document, keys that are not plain scalars, a key given twice (also
 * through an alias), and nesting deeper than TT_YAML_MAX_DEPTH.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>
#include <twintrial/protocol.h>
#include "protocol/protocolimpl.h"
#include "protocol/yamlimpl.h"

static PetscErrorCode ReadFile(TTYaml y, const char *path)
{
  FILE       *fp;
  size_t      cap = 4096, n;
  struct stat st;
  PetscFunctionBeginUser;
  /* Not a regular file: a directory cannot be read, and opening a FIFO would block. */
  if (!stat(path, &st) && !S_ISREG(st.st_mode))
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_USER, "%s: expected a regular file, found %s", path,
            S_ISDIR(st.st_mode)    ? "a directory"
            : S_ISFIFO(st.st_mode) ? "a FIFO"
                                   : "a device or socket");
  fp = fopen(path, "rb");
  PetscCheck(fp, PETSC_COMM_SELF, PETSC_ERR_USER, "%s: cannot open file: %s", path, strerror(errno));
  PetscCall(PetscMalloc1(cap + 1, &y->text));
  for (;;) {
    if (y->len == cap) {
      if (cap >= TT_YAML_MAX_BYTES) break;
      cap *= 2;
      PetscCall(PetscRealloc(cap + 1, &y->text));
    }
    n = fread(y->text + y->len, 1, cap - y->len, fp);
    if (!n) break;
    y->len += n;
  }
  y->text[y->len] = 0;
  if (ferror(fp)) {
    int err = errno;
    fclose(fp);
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_USER, "%s: cannot read file: %s", path, strerror(err));
  }
  fclose(fp);
  PetscCheck(y->len < TT_YAML_MAX_BYTES, PETSC_COMM_SELF, PETSC_ERR_USER, "%s: expected a file of at most %d bytes",
             path, TT_YAML_MAX_BYTES);
  PetscFunctionReturn(0);
}

/* 1-based line and column of byte `offset` (reader errors only give an offset). */
static TTLoc LocOfOffset(const char *text, size_t len, size_t offset)
{
  TTLoc loc = {1, 1};
  for (size_t i = 0; i < offset && i < len; i++) {
    if (text[i] == '\n')
      loc.line++, loc.column = 1;
    else
      loc.column++;
  }
  return loc;
}

static PetscErrorCode SyntaxError(TTYaml y, yaml_parser_t *parser)
{
  TTLoc loc;
  char  ctx[256] = "";
  PetscFunctionBeginUser;
  if (parser->error == YAML_READER_ERROR)
    loc = LocOfOffset(y->text, y->len, parser->problem_offset);
  else
    loc = (TTLoc){(int) parser->problem_mark.line + 1, (int) parser->problem_mark.column + 1};
  if (parser->context)
    PetscCall(PetscSNPrintf(ctx, sizeof ctx, " (%s at line %d column %d)", parser->context,
                            (int) parser->context_mark.line + 1, (int) parser->context_mark.column + 1));
  PetscCall(TTYamlErrorAt(y, loc, "document", "expected valid YAML; %s%s",
                          parser->problem ? parser->problem : "syntax error", ctx));
  PetscFunctionReturn(0);
}

/* Rejects non-scalar and duplicate keys everywhere; `visited` stops at aliases (and alias cycles). */
static PetscErrorCode CheckTree(TTYaml y, TTYamlNode n, const char *key, char *visited, int depth)
{
  char path[256];
  int  len = TTYamlLength(y, n);
  PetscFunctionBeginUser;
  if (visited[n]) PetscFunctionReturn(0);
  visited[n] = 1;
  if (depth > TT_YAML_MAX_DEPTH)
    PetscCall(TTYamlError(y, n, key, "expected at most %d levels of nesting", TT_YAML_MAX_DEPTH));
  if (TTYamlIsSequence(y, n)) {
    for (int i = 0; i < len; i++) {
      PetscCall(TTYamlKeyIndex(path, sizeof path, key, i));
      PetscCall(CheckTree(y, TTYamlItem(y, n, i), path, visited, depth + 1));
    }
  } else if (TTYamlIsMapping(y, n)) {
    for (int i = 0; i < len; i++) {
      TTYamlNode k, v;
      char       buf[64];
      TTYamlPair(y, n, i, &k, &v);
      if (!TTYamlIsScalar(y, k))
        PetscCall(TTYamlError(y, k, key, "expected a plain key, found %s", TTYamlDescribe(y, k, buf, sizeof buf)));
      PetscCall(TTYamlKeyJoin(path, sizeof path, key, TTYamlScalar(y, k)));
      for (int j = 0; j < i; j++) {
        TTYamlNode k2, v2;
        TTYamlPair(y, n, j, &k2, &v2);
        if (TTYamlIsScalar(y, k2) && !strcmp(TTYamlScalar(y, k2), TTYamlScalar(y, k)))
          PetscCall(TTYamlError(y, k, path, "expected each key once; duplicate of the key at line %d",
                                TTYamlLoc(y, k2).line));
      }
      PetscCall(CheckTree(y, v, path, visited, depth + 1));
    }
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode Parse(TTYaml y)
{
  yaml_parser_t   parser;
  yaml_document_t extra;
  yaml_node_t    *second;
  char           *visited;
  size_t          nnode;
  PetscFunctionBeginUser;
  TTCallYAML(yaml_parser_initialize(&parser));
  yaml_parser_set_input_string(&parser, (const unsigned char *) y->text, y->len);
  if (!yaml_parser_load(&parser, &y->doc)) {
    PetscErrorCode ierr = SyntaxError(y, &parser);
    yaml_parser_delete(&parser);
    PetscCall(ierr);
  }
  y->loaded = PETSC_TRUE;
  if (!TTYamlRoot(y)) {
    yaml_parser_delete(&parser);
    PetscCall(TTYamlErrorAt(y, (TTLoc){1, 1}, "document", "expected a YAML mapping, found an empty file"));
  }
  if (!yaml_parser_load(&parser, &extra)) {
    PetscErrorCode ierr = SyntaxError(y, &parser);
    yaml_parser_delete(&parser);
    PetscCall(ierr);
  }
  second = yaml_document_get_root_node(&extra);
  if (second) {
    TTLoc loc = {(int) second->start_mark.line + 1, (int) second->start_mark.column + 1};
    yaml_document_delete(&extra);
    yaml_parser_delete(&parser);
    PetscCall(TTYamlErrorAt(y, loc, "document", "expected a single YAML document, found a second one"));
  }
  yaml_document_delete(&extra);
  yaml_parser_delete(&parser);
  nnode = (size_t) (y->doc.nodes.top - y->doc.nodes.start) + 1;
  PetscCall(PetscCalloc1(nnode, &visited));
  {
    PetscErrorCode ierr = CheckTree(y, TTYamlRoot(y), "", visited, 0);
    PetscCall(PetscFree(visited));
    PetscCall(ierr);
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TTYamlLoad(const char *path, TTYaml *doc)
{
  TTYaml         y;
  PetscErrorCode ierr;
  PetscFunctionBeginUser;
  *doc = NULL;
  PetscCall(PetscNew(&y));
  PetscCall(PetscStrncpy(y->path, path, sizeof y->path));
  ierr = ReadFile(y, path);
  if (!ierr) ierr = Parse(y);
  if (ierr) PetscCall(TTYamlDestroy(&y));
  PetscCall(ierr);
  *doc = y;
  PetscFunctionReturn(0);
}

PetscErrorCode TTYamlDestroy(TTYaml *doc)
{
  PetscFunctionBeginUser;
  if (!doc || !*doc) PetscFunctionReturn(0);
  if ((*doc)->loaded) yaml_document_delete(&(*doc)->doc);
  PetscCall(PetscFree((*doc)->text));
  PetscCall(PetscFree(*doc));
  PetscFunctionReturn(0);
}

/* yamlimpl.h — the TTYaml object, private to yaml.c (queries, checked conversions,
 * errors) and yaml_load.c (reading and checking a file). */
#ifndef TWINTRIAL_YAMLIMPL_H
#define TWINTRIAL_YAMLIMPL_H

#include <yaml.h>
#include <twintrial/protocol.h>

#define TT_YAML_MAX_BYTES (16 * 1024 * 1024)
#define TT_YAML_MAX_DEPTH 64

struct _p_TTYaml {
  char            path[TT_PATH_MAX];
  char           *text; /* file bytes, NUL-terminated */
  size_t          len;
  yaml_document_t doc;
  PetscBool       loaded; /* doc must be deleted */
};

#endif

/* yaml_write.c — writing scalars so that TTYaml (and any YAML 1.1/1.2 reader)
 * reads back exactly what was written.
 *
 * Invariants: TTYamlFormatReal gives the shortest of %.15g/%.16g/%.17g that
 * strtod maps back to the same double (so View → Load is bitwise exact);
 * strings are always double-quoted with \\ \" and control characters escaped;
 * names are plain unless a YAML reader would resolve them to null or a bool.
 */
#include <stdlib.h>
#include <string.h>
#include <twintrial/protocol.h>

const char *TTYamlFormatReal(double v, char buf[32])
{
  for (int digits = 15; digits <= 17; digits++) {
    snprintf(buf, 32, "%.*g", digits, v);
    if (strtod(buf, NULL) == v) break;
  }
  if (!strcmp(buf, "-0")) strcpy(buf, "0"); /* -0 and 0 compare equal; keep the text simple */
  return buf;
}

PetscErrorCode TTYamlWriteString(FILE *out, const char *s)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFPrintf(PETSC_COMM_SELF, out, "\""));
  for (const unsigned char *c = (const unsigned char *) s; *c; c++) {
    if (*c == '"' || *c == '\\')
      PetscCall(PetscFPrintf(PETSC_COMM_SELF, out, "\\%c", *c));
    else if (*c == '\n')
      PetscCall(PetscFPrintf(PETSC_COMM_SELF, out, "\\n"));
    else if (*c == '\t')
      PetscCall(PetscFPrintf(PETSC_COMM_SELF, out, "\\t"));
    else if (*c < 0x20 || *c == 0x7f)
      PetscCall(PetscFPrintf(PETSC_COMM_SELF, out, "\\x%02x", *c));
    else
      PetscCall(PetscFPrintf(PETSC_COMM_SELF, out, "%c", *c));
  }
  PetscCall(PetscFPrintf(PETSC_COMM_SELF, out, "\""));
  PetscFunctionReturn(0);
}

PetscErrorCode TTYamlWriteName(FILE *out, const char *s)
{
  static const char *const special[] = {"null", "true", "false", "yes", "no", "on", "off", "y", "n"};
  PetscBool                quote     = PETSC_FALSE;
  PetscFunctionBeginUser;
  for (size_t i = 0; i < sizeof special / sizeof special[0] && !quote; i++)
    PetscCall(PetscStrcasecmp(s, special[i], &quote));
  if (quote)
    PetscCall(TTYamlWriteString(out, s));
  else
    PetscCall(PetscFPrintf(PETSC_COMM_SELF, out, "%s", s));
  PetscFunctionReturn(0);
}

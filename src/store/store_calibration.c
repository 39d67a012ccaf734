/* store_calibration.c — calibrated arm effects in the results file, as provenance:
 * /provenance/calibration/<arm> holds attributes of the solved effect (written when the
 * file is created, collectively, from the trial's records, which every rank holds
 * identically); `twintrial summary` prints one line per calibrated arm and the export
 * writes calibration.csv, one row per calibrated arm (arms in name order).
 * A file without calibrated effects has no /provenance/calibration group and no CSV.
 */
#include <string.h>
#include "storeimpl.h"

PetscErrorCode TTStoreWriteCalibration(TTStore st, hid_t prov)
{
  const TTCalibrationResult *r;
  const TTModelType         *m;
  PetscInt                   n;
  hid_t                      top, g;
  char                       line[512];

  PetscFunctionBeginUser;
  PetscCall(TTTrialGetCalibrations(st->trial, &n, &r));
  if (!n) PetscFunctionReturn(0);
  PetscCall(TTTrialGetModel(st->trial, &m));
  PetscCall(TTH5Group(prov, "calibration", PETSC_TRUE, &top));
  for (PetscInt i = 0; i < n; i++) {
    const double interval[2] = {r[i].lo, r[i].hi};
    PetscCall(TTH5Group(top, st->p->arm[r[i].arm].name, PETSC_TRUE, &g));
    PetscCall(TTH5WriteStringAttr(g, "effect", m->effect[r[i].effect].name));
    PetscCall(TTH5WriteStringAttr(g, "target", TTCalibrationTargetName(r[i].target)));
    PetscCall(TTH5WriteDoubleAttr(g, "target_value", r[i].target_value));
    PetscCall(TTH5WriteStringAttr(g, "endpoint", st->p->endpoint[r[i].endpoint].name));
    PetscCall(TTH5WriteStringAttr(g, "control", st->p->arm[r[i].control].name));
    PetscCall(TTH5WriteDoubleAttr(g, "value", r[i].value));
    PetscCall(TTH5WriteDoubleAttr(g, "value_mc_se", r[i].value_mc_se));
    PetscCall(TTH5WriteDoubleAttr(g, "solver_tolerance", r[i].tolerance));
    PetscCall(TTH5WriteDoubleAttr(g, "achieved", r[i].achieved));
    PetscCall(TTH5WriteDoubleAttr(g, "achieved_mc_se", r[i].achieved_mc_se));
    PetscCall(TTH5WriteDoubleArrayAttr(g, "interval", 2, interval));
    PetscCall(TTH5WriteInt64Attr(g, "twins", r[i].twins));
    PetscCall(TTH5WriteInt64Attr(g, "bootstrap", r[i].bootstrap));
    PetscCall(TTH5WriteInt64Attr(g, "evaluations", r[i].evaluations));
    TTTrialFormatCalibration(st->trial, &r[i], line, sizeof(line));
    PetscCall(TTH5WriteStringAttr(g, "description", line));
    TTCallHDF5(H5Gclose(g));
  }
  TTCallHDF5(H5Gclose(top));
  PetscFunctionReturn(0);
}

PetscErrorCode TTStorePrintCalibration(hid_t file, FILE *out)
{
  H5G_info_t info;
  hid_t      top, g;
  char       name[256], line[512];

  PetscFunctionBeginUser;
  if (H5Lexists(file, "provenance", H5P_DEFAULT) <= 0 || H5Lexists(file, "provenance/calibration", H5P_DEFAULT) <= 0)
    PetscFunctionReturn(0);
  TTCallHDF5(top = H5Gopen2(file, "provenance/calibration", H5P_DEFAULT));
  TTCallHDF5(H5Gget_info(top, &info));
  for (hsize_t i = 0; i < info.nlinks; i++) {
    TTCallHDF5(H5Lget_name_by_idx(top, ".", H5_INDEX_NAME, H5_ITER_INC, i, name, sizeof(name), H5P_DEFAULT));
    TTCallHDF5(g = H5Gopen2(top, name, H5P_DEFAULT));
    PetscCall(TTH5ReadStringAttr(g, "description", line, sizeof(line)));
    TTCallHDF5(H5Gclose(g));
    for (char *s = line; *s; s++)
      if ((unsigned char) *s < 0x20 || *s == 0x7f) *s = '?'; /* from the file: keep one line */
    fprintf(out, "%s\n", line);
  }
  TTCallHDF5(H5Gclose(top));
  PetscFunctionReturn(0);
}

static const char *const CalStrings[] = {"effect", "target", "endpoint", "control"};
static const char *const CalNumbers[] = {"target_value",   "value", "value_mc_se", "solver_tolerance", "achieved",
                                         "achieved_mc_se", "twins", "bootstrap",   "evaluations"};

/* One row of calibration.csv from group g of arm `name`. */
static PetscErrorCode ExportRow(hid_t g, const char *name, FILE *f)
{
  char    text[512];
  double  v, interval[2];
  hid_t   a;
  hsize_t n;

  PetscFunctionBeginUser;
  fputs(name, f);
  for (size_t k = 0; k < sizeof(CalStrings) / sizeof(*CalStrings); k++) {
    PetscCall(TTH5ReadStringAttr(g, CalStrings[k], text, sizeof(text)));
    TTStorePutString(f, text);
  }
  for (size_t k = 0; k < sizeof(CalNumbers) / sizeof(*CalNumbers); k++) {
    PetscCall(TTH5ReadDoubleAttr(g, CalNumbers[k], &v));
    TTStorePutValue(f, v);
  }
  TTCallHDF5(a = H5Aopen(g, "interval", H5P_DEFAULT));
  {
    hid_t sp;
    TTCallHDF5(sp = H5Aget_space(a));
    n = (hsize_t) H5Sget_simple_extent_npoints(sp);
    TTCallHDF5(H5Sclose(sp));
  }
  if (n == 2) TTCallHDF5(H5Aread(a, H5T_NATIVE_DOUBLE, interval));
  TTCallHDF5(H5Aclose(a));
  PetscCheck(n == 2, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "provenance/calibration/%s: expected interval [2]",
             name);
  TTStorePutValue(f, interval[0]);
  TTStorePutValue(f, interval[1]);
  PetscCall(TTH5ReadStringAttr(g, "description", text, sizeof(text)));
  TTStorePutString(f, text);
  fputs("\n", f);
  PetscFunctionReturn(0);
}

PetscErrorCode TTStoreExportCalibration(hid_t file, const char *dir)
{
  H5G_info_t     info;
  hid_t          top, g;
  char           name[256];
  FILE          *f;
  PetscErrorCode ierr = 0;

  PetscFunctionBeginUser;
  if (H5Lexists(file, "provenance", H5P_DEFAULT) <= 0 || H5Lexists(file, "provenance/calibration", H5P_DEFAULT) <= 0)
    PetscFunctionReturn(0);
  TTCallHDF5(top = H5Gopen2(file, "provenance/calibration", H5P_DEFAULT));
  TTCallHDF5(H5Gget_info(top, &info));
  PetscCall(TTStoreOpenCSV(dir, "calibration.csv", &f));
  fputs("arm", f);
  for (size_t k = 0; k < sizeof(CalStrings) / sizeof(*CalStrings); k++) fprintf(f, ",%s", CalStrings[k]);
  for (size_t k = 0; k < sizeof(CalNumbers) / sizeof(*CalNumbers); k++) fprintf(f, ",%s", CalNumbers[k]);
  fputs(",interval_lo,interval_hi,description\n", f);
  for (hsize_t i = 0; i < info.nlinks && !ierr; i++) {
    if (H5Lget_name_by_idx(top, ".", H5_INDEX_NAME, H5_ITER_INC, i, name, sizeof(name), H5P_DEFAULT) < 0 ||
        (g = H5Gopen2(top, name, H5P_DEFAULT)) < 0) {
      ierr = PETSC_ERR_FILE_UNEXPECTED;
      break;
    }
    ierr = ExportRow(g, name, f);
    H5Gclose(g);
  }
  H5Gclose(top);
  PetscCheck(!fclose(f) && !ierr, PETSC_COMM_SELF, ierr ? ierr : PETSC_ERR_FILE_WRITE,
             "%s/calibration.csv: cannot write the calibrated effects", dir);
  PetscFunctionReturn(0);
}

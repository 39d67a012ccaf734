/* twin_read.h — private to src/twin: the state of TTPatientsRead while it reads OBS.csv
 * (twin_obs.c) and then COV.csv (twin_cov.c).
 *
 * Invariants: patients are numbered in the order of their first row in OBS.csv; an id
 * is found through an open-addressing hash (FNV-1a, linear probing, load <= 1/2); every
 * message is one PETSC_ERR_USER "FILE:LINE:COLUMN: KEY: expected ..., found ...".
 */
#ifndef TWINTRIAL_TWIN_READ_H
#define TWINTRIAL_TWIN_READ_H

#include <twintrial/twin.h>
#include "twin/twin_csv.h"

typedef struct {
  char id[TT_TWIN_ID_MAX];
  int  first_line; /* of its first row in OBS.csv */
  int  arm;        /* the arm its rows name, -1 while none does */
  int  arm_line;   /* the first row naming it */
  int  after;      /* 1: it has an observation after randomisation */
  int  cov_line;   /* its row in COV.csv, 0 while none */
} TTReadPatient;

typedef struct {
  const TTProtocol  *p;
  const TTModelType *m;
  const double      *par; /* the model's resolved parameters (observability probe) */
  TTCohort           cohort;
  const char        *obs_path;
  /* patients, in order of first appearance */
  PetscInt       npat, pcap;
  TTReadPatient *pat;
  PetscInt       hcap;
  PetscInt      *hash; /* [hcap] patient + 1, 0 = empty */
  /* covariates [npat][ncov], model order (filled from COV.csv) */
  PetscInt ncov;
  double  *cov;
} TTReader;

/* twin_obs.c: index of patient `id`, or -1. */
PetscInt TTReaderFind(const TTReader *r, const char *id);
/* twin_obs.c: checks an id field (not empty, short enough, no commas, quotes or control
 * characters), located at (path, line, fld). */
PetscErrorCode TTReaderCheckId(const char *path, int line, const TTCsvField *fld);
/* twin_cov.c: refuses a NULL cov_csv when the model has covariates (located at the
 * protocol's model.name, naming them). */
PetscErrorCode TTReaderNeedCovariates(const TTReader *r, const char *cov_csv);
/* twin_cov.c: reads COV.csv into r->cov for every patient of OBS.csv (cov_csv NULL: the
 * model must have no covariates). */
PetscErrorCode TTReaderCovariates(TTReader *r, const char *cov_csv);

#endif

/* storeimpl.h — private helpers of the store module (the store module only). */
#ifndef TWINTRIAL_STOREIMPL_H
#define TWINTRIAL_STOREIMPL_H

#include <twintrial/h5.h>
#include <twintrial/store.h>

#define TT_ROW_BUFFER             64
#define TT_SUBJECT_BUFFER         ((size_t) 8 << 20) /* bytes of subject rows staged (rank 0) */
#define TT_CLOSE_RESERVE          (1 << 20)          /* bytes reserved for the close (store.c) */
#define TT_CLOSE_RESERVE_ANALYSIS (1 << 14)          /* and per analysis */

/* Rows of a dataset staged in memory and written (TTH5WriteRows) as one run of up to
 * `cap` consecutive rows: when full, when the next rows do not follow, or on flush.
 * Few large writes instead of many small ones; rank 0 only. d < 0: inactive. */
typedef struct {
  hid_t   d, memtype;
  size_t  rowbytes;        /* bytes of one row in memory */
  hsize_t rows;            /* rows of the dataset */
  hsize_t cap, row0, nrow; /* staged rows row0 .. row0 + nrow - 1, at most cap */
  char   *buf;
} TTH5Stage;
typedef struct _TTStoreLooks  *TTStoreLooks;  /* store_looks.c */
typedef struct _TTStoreGuided *TTStoreGuided; /* store_guided.c */
struct _p_TTStore {
  MPI_Comm          comm;
  PetscMPIInt       rank, size;
  char             *path, *tmp;
  hid_t             file;
  TTTrial           trial;
  const TTProtocol *p;
  TTRecordLayout    L;
  hid_t            *col;                    /* [nanalysis * TT_NCOLUMN] */
  hid_t            *km;                     /* [nanalysis] km_median [replicate x arm x 3], -1 if not time to event */
  hid_t            *reason;                 /* [nanalysis] /analyses/<name>/reason (store_reason.c) */
  int              *reasonbuf;              /* [nanalysis * TT_ROW_BUFFER] staged TT_STATS_E* codes, 0 when ok */
  hid_t            *mmrmcov;                /* [nanalysis] /analyses/<name>/covariance, -1 if not mmrm (store_mmrm.c) */
  hid_t            *mifmi;                  /* [nanalysis] /analyses/<name>/fmi, -1 if not mi (store_mmrm.c) */
  hid_t             done, screen, dropped;  /* /replicates */
  hid_t             figures;                /* /validation/values [replicate][figure], -1 without figures */
  PetscInt          nbuf, row0;             /* buffered replicates row0 .. row0 + nbuf - 1 */
  double           *rowbuf;                 /* [nanalysis * TT_NCOLUMN * TT_ROW_BUFFER] */
  double           *screenbuf, *droppedbuf; /* [TT_ROW_BUFFER] each */
  PetscInt          nsubject_rows;          /* 0, patients, or replicates * patients */
  hid_t      sid[7]; /* replicate, subject, arm, stratum, dropout_time, discontinuation_time, rescue_time (-1: none) */
  hid_t      prog, *cov, *out, *cf, *ep; /* [ncov], [nvar], [nvar], [nendpoint] */
  double    *scratch;                    /* subject-row buffer */
  TTH5Stage *stage;                      /* [nstage] subject datasets, staged (rank 0) */
  PetscInt   nstage;
  char       resolved_sha[65]; /* SHA-256 of the resolved protocol */
  hid_t     *arms;             /* [nanalysis * TT_ARM_FIGURES] /analyses/<name>/arm_* (store_arms.c) */
  TTH5Stage *arm_stage;        /* their staged rows (rank 0) */
  int       *done_flags;       /* [replicates] 1 = stored by an earlier run (resume) */
  PetscInt   ndone;
  TTStoreLooks  looks;  /* /looks (store_looks.c); NULL without interim looks */
  TTStoreGuided guided; /* /guided (store_guided.c); NULL without guided arms */
};

/* store_meta.c */
PetscErrorCode   TTStoreResolved(TTTrial trial, char **text, char sha[65]);
PetscErrorCode   TTStoreWriteProvenance(TTStore st, const TTProvenance *prov); /* collective */
PetscErrorCode   TTStoreWriteDesign(TTStore st);                               /* collective */
PetscErrorCode   TTStoreSetUpAnalyses(TTStore st, PetscBool create);           /* collective */
PetscErrorCode   TTStoreWriteSummary(TTStore st, const TTSummary *s);          /* collective */
PetscErrorCode   TTStoreSummarize(TTStore st, TTSummary *s);                   /* rank 0 */
extern const int tt_store_column_is_int[];

/* store_lock.c: does this process hold the lock of results file path (rank 0 of a run
 * after TTStoreLockOutput)? Not collective. */
PetscBool TTStoreHoldsLock(const char *path);
/* store_resume.c: the first difference of two resolved protocols, as "KEY.PATH is OLD
 * there but NEW in this run" (not collective). */
void TTStoreResolvedDifference(const char *old, const char *cur, char *msg, size_t len);

/* Names of the per-replicate analysis columns, in storage order. */
#define TT_NCOLUMN 14
extern const char *const tt_store_columns[TT_NCOLUMN];

/* store_analytic.c: the textbook power of analysis k from its summary s (oc, expected
 * information), or NaN with analytic_method "none (why)". Not collective. */
void TTStoreAnalyticPower(const TTProtocol *p, PetscInt k, TTSummary *s);
/* store_analytic.c: what makes analysis k's estimate a conditional ratio (covariate-
 * adjusted or stratified odds or hazard ratio), NULL when it is marginal; and its
 * bias, RMSE and coverage set to NaN when it is (the true effect is marginal). */
const char *TTStoreConditionalEstimate(const TTProtocol *p, PetscInt k);
void        TTStoreMaskConditional(const TTProtocol *p, PetscInt k, TTSummary *s);

/* store_reason.c: /analyses/<name>/reason, fixed strings of TT_REASON_WIDTH bytes.
 * SetUp creates (collective) or reopens analysis k's dataset in group ga; Buffer stages
 * row i of the buffered replicates, Flush writes them (rank 0) with the other columns;
 * Count formats the stored reasons of analysis k as "separation 3; not converged 1"
 * (rank 0). ReadReasons reads n of them (all "" in a file without the dataset) for the
 * export, ReasonAt copies row r NUL-terminated. */
#define TT_REASON_WIDTH 24
/* store_mmrm.c: the covariance structure each mmrm analysis fitted and each mi analysis's
 * fraction of missing information (set up per analysis,
 * written per replicate, counted for the summary, closed and freed once). */
PetscErrorCode TTStoreMmrmSetUp(TTStore st, PetscInt k, hid_t ga, PetscBool create);
PetscErrorCode TTStoreMmrmWrite(TTStore st, const TTReplicateResult *res);
PetscErrorCode TTStoreMmrmCount(TTStore st, PetscInt k, char *out, size_t len);
PetscErrorCode TTStoreMmrmClose(TTStore st);
PetscErrorCode TTStoreReasonSetUp(TTStore st, PetscInt k, hid_t ga, PetscBool create);
void           TTStoreReasonBuffer(TTStore st, PetscInt i, const TTReplicateResult *res);
PetscErrorCode TTStoreReasonFlush(TTStore st);
PetscErrorCode TTStoreReasonClose(TTStore st);
PetscErrorCode TTStoreReasonFree(TTStore st);
PetscErrorCode TTStoreReasonCount(TTStore st, PetscInt k, char *out, size_t len);
PetscErrorCode TTStoreReadReasons(hid_t g, PetscInt n, char **buf);
void           TTStoreReasonAt(const char *buf, PetscInt r, char why[TT_REASON_WIDTH + 1]);

/* Staged row writes (h5util.c); the other HDF5 helpers are in twintrial/h5.h. */
PetscErrorCode TTH5StageSetUp(TTH5Stage *s, hid_t dset, hid_t memtype); /* no buffer yet */
PetscErrorCode TTH5StageAllocate(TTH5Stage *s, hsize_t cap);
PetscErrorCode TTH5StageRows(TTH5Stage *s, hsize_t row0, hsize_t nrow, const void *rows);
PetscErrorCode TTH5StageFlush(TTH5Stage *s);
PetscErrorCode TTH5StageDestroy(TTH5Stage *s); /* frees the buffer; the dataset stays open */

/* store_looks.c: /looks of a group-sequential design (nothing without interim looks):
 * created or reopened (collective), one replicate's looks (rank 0), and at the close the
 * operating characteristics per look when complete, then the datasets closed (collective). */
PetscErrorCode TTStoreSetUpLooks(TTStore st, PetscBool create);
PetscErrorCode TTStoreWriteLooks(TTStore st, const TTReplicateResult *res);
PetscErrorCode TTStoreCloseLooks(TTStore st, PetscBool complete);
/* store_looks_read.c: the looks table of `twintrial summary` and looks.csv,
 * looks_replicates.csv (nothing for a design without interim looks; not collective). */
PetscErrorCode TTStorePrintLooks(hid_t file, FILE *out);
PetscErrorCode TTStoreExportLooks(hid_t file, const char *dir);

/* store_subjects.c: the per-twin datasets. */
PetscErrorCode TTStoreCreateSubjects(hid_t file, TTTrial trial, hsize_t rows, PetscBool create, hid_t sid[7],
                                     hid_t *prog, hid_t **cov, hid_t **out, hid_t **cf, hid_t **ep);
/* Stages of the subject datasets, in the order TTStoreWriteSubjects fills them, each
 * holding the same whole replicates, as many as fit in `budget` bytes (at least one). */
PetscErrorCode TTStoreSubjectStages(TTTrial trial, hid_t sid[7], hid_t prog, hid_t *cov, hid_t *out, hid_t *cf,
                                    hid_t *ep, size_t budget, TTH5Stage **stage, PetscInt *nstage);
PetscErrorCode TTStoreWriteSubjects(TTTrial trial, hsize_t row0, const TTReplicateResult *res, const double recs[],
                                    double *scratch, TTH5Stage *stage);
PetscErrorCode TTStoreCloseSubjects(TTTrial trial, hid_t sid[7], hid_t prog, hid_t **cov, hid_t **out, hid_t **cf,
                                    hid_t **ep);

/* store_read.c / store_export.c: reading back (not collective). */
PetscErrorCode TTStoreReadStrings(hid_t loc, const char *name, PetscInt *n, size_t *width, char **buf);
PetscErrorCode TTStoreReadDoubles(hid_t loc, const char *name, PetscInt *n, hsize_t dims[3], double **buf);
/* A complete twintrial results file, read-only (user errors name the file). */
PetscErrorCode TTStoreOpenResults(const char *path, hid_t *file);
/* A read error on an opened results file as one user error naming it. */
PetscErrorCode TTStoreDamaged(const char *path, PetscErrorCode ierr);
/* store_validation.c: /validation, created or reopened (collective). */
PetscErrorCode TTStoreSetUpValidation(TTStore st, PetscBool create);
PetscErrorCode TTStoreOpenCSV(const char *dir, const char *name, FILE **f);
void           TTStorePutValue(FILE *f, double v); /* ",value" or ",NA" */
/* store_validation.c: validation.csv (one row per figure) and validation_values.csv
 * (replicate, figure, value), when the file has a validation section. */
PetscErrorCode TTStoreExportValidation(const char *path, const char *dir);
PetscErrorCode TTStoreExportSubjects(hid_t file, const char *dir);
/* A list of fixed-width names (group members, string datasets). */
typedef struct {
  PetscInt n;
  size_t   width;
  char    *names;
} Names;
/* Names of the members of group `path`, in HDF5's name order (store_export.c). */
PetscErrorCode TTStoreMemberNames(hid_t file, const char *path, Names *nm);
PetscErrorCode TTStoreExportADaM(hid_t file, const char *dir); /* store_adam.c: adsl, adbds, adtte */
/* store_calibration.c: /provenance/calibration (collective), its summary lines and
 * calibration.csv (not collective). */
PetscErrorCode TTStoreWriteCalibration(TTStore st, hid_t provenance);
PetscErrorCode TTStorePrintCalibration(hid_t file, FILE *out);
PetscErrorCode TTStoreExportCalibration(hid_t file, const char *dir);
/* store_arms.c: /analyses/<name>/arm_* [replicate x 2] (created or reopened: collective;
 * staged and flushed by rank 0), their means into s->arm (rank 0) and /summary attributes. */
PetscErrorCode           TTStoreSetUpArms(TTStore st, PetscBool create);
PetscErrorCode           TTStoreStageArms(TTStore st, const TTReplicateResult *res);
PetscErrorCode           TTStoreFlushArms(TTStore st);
PetscErrorCode           TTStoreCloseArms(TTStore st);
PetscErrorCode           TTStoreSummarizeArms(TTStore st, PetscInt k, TTSummary *s);
PetscErrorCode           TTStoreWriteSummaryArms(hid_t g, const TTSummary *s);
extern const char *const tt_store_summary_arm[TT_SUMMARY_ARM];                     /* their attribute names */
PetscErrorCode TTStoreSummarizeArmsAndTest(TTStore st, PetscInt k, TTSummary *s);  /* + alpha, sided, arm names */
PetscErrorCode TTStoreReadSummaryArms(hid_t file, const char *name, TTSummary *s); /* the same, from a file */
void           TTStorePrintArms(FILE *out, const TTSummary *s);                    /* one summary line */
/* store_columns.c: the per-replicate datasets of /analyses/<name> beyond the known
 * columns (km_median, ...), numeric with the replicate as first dimension, as further
 * columns of analyses.csv: the union over analyses in name order, `<name>` for one value
 * per replicate, `<name>_1` ... `<name>_k` for k (trailing dimensions flattened, last
 * fastest: the readers' order); NA for an analysis without the dataset. */
#define TT_MAX_EXTRA_COLUMNS 32
typedef struct {
  PetscInt n;
  char     name[TT_MAX_EXTRA_COLUMNS][64];
  PetscInt width[TT_MAX_EXTRA_COLUMNS]; /* values per replicate */
  double  *value[TT_MAX_EXTRA_COLUMNS]; /* [replicate * width] of the current analysis, NULL: none */
} TTStoreExtraColumns;
PetscErrorCode TTStoreExtraColumnsCollect(hid_t file, PetscInt na, const char *names, size_t width,
                                          TTStoreExtraColumns *x);
void           TTStoreExtraColumnsHeader(FILE *f, const TTStoreExtraColumns *x);
PetscErrorCode TTStoreExtraColumnsRead(hid_t g, PetscInt rows, TTStoreExtraColumns *x); /* current analysis */
void           TTStoreExtraColumnsPut(FILE *f, const TTStoreExtraColumns *x, PetscInt r);
PetscErrorCode TTStoreExtraColumnsFree(TTStoreExtraColumns *x); /* the values read */
/* store_guided.c: /guided/<arm> of each guided arm (created or reopened: collective;
 * rows staged and flushed by rank 0; Close writes the summaries when complete, collective;
 * Free only releases handles and buffers). Summarize computes one arm's summary from its
 * stored rows, datasets d[TT_GD_N] (R replicates, nc candidates; not collective: rank 0,
 * on datasets every rank opened) and WriteSummary writes it as /guided/<arm>/summary
 * (collective in a parallel file). */
enum {
  TT_GF_AGREEMENT,
  TT_GF_REGRET,
  TT_GF_VALUE,
  TT_GF_POLICY,
  TT_GF_BEST_MEAN,
  TT_GF_SWITCHES,
  TT_GF_TWINS,
  TT_GF_N
};
enum { TT_GD_BEST = TT_GF_N, TT_GD_SHARE, TT_GD_N };       /* an arm's datasets: the figures, best_single, share */
extern const char *const tt_store_guided_figures[TT_GF_N]; /* their dataset and attribute names */
extern const char *const tt_store_guided_goals[4];         /* TT_CHOOSE_* names */
typedef struct {
  PetscInt ncandidate;
  double   replicates;                   /* with a finite oracle agreement */
  double   mean[TT_GF_N], mcse[TT_GF_N]; /* over the replicates where the figure is finite */
  double   share[TT_MAX_CANDIDATES], share_mcse[TT_MAX_CANDIDATES];
  double   best_single_share[TT_MAX_CANDIDATES], best_single_share_mcse[TT_MAX_CANDIDATES];
} TTGuidedSummary;
PetscErrorCode TTStoreSetUpGuided(TTStore st, PetscBool create);
PetscErrorCode TTStoreStageGuided(TTStore st, const TTReplicateResult *res);
PetscErrorCode TTStoreFlushGuided(TTStore st);
PetscErrorCode TTStoreCloseGuided(TTStore st, PetscBool complete);
PetscErrorCode TTStoreFreeGuided(TTStore st);
PetscErrorCode TTStoreGuidedSummarize(const hid_t d[TT_GD_N], PetscInt R, PetscInt nc, TTGuidedSummary *s);
PetscErrorCode TTStoreGuidedWriteSummary(hid_t g, const TTGuidedSummary *s);
/* store_guided_read.c: the guided arms' block of `twintrial summary` and guided.csv
 * (nothing for a file without /guided; not collective). */
PetscErrorCode TTStorePrintGuided(hid_t file, FILE *out);
PetscErrorCode TTStoreExportGuided(hid_t file, const char *dir);
#endif

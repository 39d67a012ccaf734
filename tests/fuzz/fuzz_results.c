/* fuzz_results.c — libFuzzer target: results files through TTStoreSummary, as
 * `twintrial summary` reads them.
 *
 * Two modes:
 *  - structured (default): the input is a list of edits applied, through the HDF5
 *    API, to a copy of a real results file (TT_FUZZ_RESULTS_SEED, made by run.sh):
 *    attributes deleted or rewritten with another type, size or value (strings of any
 *    width, NaN/Inf, arrays), datasets replaced by others of any type and shape,
 *    groups and datasets deleted or swapped. The file stays well-formed HDF5, so what
 *    is exercised is our reader's trust in the content, which is ours to get right.
 *  - raw (TT_FUZZ_RESULTS_RAW=1): the input bytes are the file. This mostly fuzzes
 *    HDF5's own format parser; HDF5 1.10.8 has known crashes and leaks on corrupt
 *    files (see README "Reliability"), so this mode is for manual runs, not CI.
 * Either way a read may fail with a one-line user error; it must not crash, leak,
 * hang, or leave an HDF5 object open after a successful read. Objects left open by
 * an error path are closed here (the CLI exits right after an error). */
#include "fuzz_common.h"
#include <math.h>
#include <twintrial/store.h>

static FILE    *sink;
static uint8_t *seed_bytes;
static size_t   seed_len;
static int      raw;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  const char *seed = getenv("TT_FUZZ_RESULTS_SEED");
  (void) argc, (void) argv;
  TTFuzzSetUp();
  sink = fopen("/dev/null", "w");
  if (!sink) abort();
  raw = getenv("TT_FUZZ_RESULTS_RAW") && atoi(getenv("TT_FUZZ_RESULTS_RAW"));
  if (!raw) {
    FILE *fp = seed ? fopen(seed, "rb") : NULL;
    if (!fp) {
      fprintf(stderr, "fuzz_results: set TT_FUZZ_RESULTS_SEED to a complete results file\n");
      abort();
    }
    fseek(fp, 0, SEEK_END);
    seed_len   = (size_t) ftell(fp);
    seed_bytes = malloc(seed_len);
    fseek(fp, 0, SEEK_SET);
    if (!seed_bytes || fread(seed_bytes, 1, seed_len, fp) != seed_len) abort();
    fclose(fp);
  }
  return 0;
}

static void CloseAll(void)
{
  ssize_t n = H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL);
  hid_t  *ids;
  if (n <= 0) return;
  ids = calloc((size_t) n, sizeof *ids);
  n   = H5Fget_obj_ids(H5F_OBJ_ALL, H5F_OBJ_ALL, (size_t) n, ids);
  for (ssize_t i = 0; i < n; i++) {
    H5I_type_t t = H5Iget_type(ids[i]);
    if (t == H5I_GROUP)
      H5Gclose(ids[i]);
    else if (t == H5I_DATASET)
      H5Dclose(ids[i]);
    else if (t == H5I_ATTR)
      H5Aclose(ids[i]);
    else if (t == H5I_DATATYPE)
      H5Tclose(ids[i]);
  }
  for (ssize_t i = 0; i < n; i++)
    if (H5Iget_type(ids[i]) == H5I_FILE) H5Fclose(ids[i]);
  free(ids);
}

/* ---- structured edits ---- */

typedef struct {
  const uint8_t *p;
  size_t         n;
} Bytes;

static unsigned Take(Bytes *b)
{
  if (!b->n) return 0;
  b->n--;
  return *b->p++;
}

static double TakeDouble(Bytes *b)
{
  static const double special[] = {0, 1, -1, 0.5, 2, 1e308, -1e308, 1e-320, NAN, INFINITY, -INFINITY, 3e9, -3e9, 8, 9};
  unsigned            k         = Take(b);
  if (k < 15) return special[k];
  return (double) (int8_t) Take(b) * (k - 14);
}

/* The objects and attribute names the reader touches, and a few it does not. */
static const char *const objects[] = {
    "/",         "/design",    "/summary", "/summary/primary", "/summary/procova", "/summary/unadjusted",
    "/analyses", "/provenance"};
static const char *const attrs[] = {"format",
                                    "complete",
                                    "replicates",
                                    "failed",
                                    "power",
                                    "power_mcse",
                                    "mean_estimate",
                                    "true_effect",
                                    "bias",
                                    "bias_mcse",
                                    "empirical_se",
                                    "mean_std_error",
                                    "rmse",
                                    "coverage",
                                    "coverage_mcse",
                                    "expected_n",
                                    "expected_information",
                                    "analytic_power",
                                    "analytic_method",
                                    "stop_prob"};
static const char *const links[] = {"/design/analyses", "/design",   "/summary",           "/summary/primary",
                                    "/summary/procova", "/analyses", "/summary/unadjusted"};
#define N(a) ((unsigned) (sizeof(a) / sizeof((a)[0])))

/* A datatype chosen by the input: fixed strings of any width and padding, variable
 * strings, integers, doubles, a compound. Caller closes it. */
static hid_t TakeType(Bytes *b, int *is_string, int *is_vlen)
{
  unsigned k = Take(b) % 7;
  hid_t    t;
  *is_string = *is_vlen = 0;
  switch (k) {
  case 0:
  case 1:
    t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, 1 + Take(b) % 200);
    H5Tset_strpad(t, k ? H5T_STR_NULLPAD : H5T_STR_NULLTERM);
    *is_string = 1;
    return t;
  case 2:
    t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    *is_string = *is_vlen = 1;
    return t;
  case 3:
    return H5Tcopy(H5T_NATIVE_INT);
  case 4:
    return H5Tcopy(H5T_STD_U8LE);
  case 5:
    t = H5Tcreate(H5T_COMPOUND, 16);
    H5Tinsert(t, "a", 0, H5T_NATIVE_DOUBLE);
    H5Tinsert(t, "b", 8, H5T_NATIVE_DOUBLE);
    return t;
  default:
    return H5Tcopy(H5T_NATIVE_DOUBLE);
  }
}

/* Fills a buffer for n elements of type t from the input. */
static void *TakeData(Bytes *b, hid_t t, int is_string, int is_vlen, size_t n)
{
  size_t   size = H5Tget_size(t);
  uint8_t *buf  = calloc(n ? n : 1, is_vlen ? sizeof(char *) : size);
  if (is_vlen) {
    static char text[64];
    for (size_t i = 0; i < 63; i++) text[i] = (char) ('a' + (Take(b) % 26));
    text[Take(b) % 64] = 0;
    for (size_t i = 0; i < n; i++) ((char **) buf)[i] = text;
  } else if (is_string) {
    for (size_t i = 0; i < n * size; i++) buf[i] = (uint8_t) (Take(b) % 3 ? 'a' + Take(b) % 26 : Take(b));
  } else if (H5Tget_class(t) == H5T_FLOAT || H5Tget_class(t) == H5T_COMPOUND) {
    for (size_t i = 0; i < n * size / 8; i++) ((double *) buf)[i] = TakeDouble(b);
  } else
    for (size_t i = 0; i < n * size; i++) buf[i] = (uint8_t) Take(b);
  return buf;
}

static hid_t TakeSpace(Bytes *b, size_t *n)
{
  unsigned k = Take(b) % 5;
  hsize_t  dims[4];
  int      rank = k == 0 ? 0 : (int) k;
  *n            = 1;
  if (!rank) return H5Screate(H5S_SCALAR);
  for (int i = 0; i < rank; i++) {
    dims[i] = Take(b) % (i ? 3 : 12);
    *n *= dims[i];
  }
  return H5Screate_simple(rank, dims, NULL);
}

static void EditAttribute(hid_t file, Bytes *b, int remove)
{
  hid_t       obj  = H5Oopen(file, objects[Take(b) % N(objects)], H5P_DEFAULT), t, s, a;
  const char *name = attrs[Take(b) % N(attrs)];
  int         is_string, is_vlen;
  size_t      n;
  void       *data;
  if (obj < 0) return;
  if (H5Aexists(obj, name) > 0) H5Adelete(obj, name);
  if (!remove) {
    t    = TakeType(b, &is_string, &is_vlen);
    s    = TakeSpace(b, &n);
    data = TakeData(b, t, is_string, is_vlen, n);
    a    = H5Acreate2(obj, name, t, s, H5P_DEFAULT, H5P_DEFAULT);
    if (a >= 0) {
      H5Awrite(a, t, data);
      H5Aclose(a);
    }
    free(data);
    H5Sclose(s);
    H5Tclose(t);
  }
  H5Oclose(obj);
}

/* Replaces the link at path by a dataset of the input's type and shape, or a group. */
static void EditLink(hid_t file, Bytes *b, int remove)
{
  const char *path = links[Take(b) % N(links)];
  int         is_string, is_vlen;
  size_t      n;
  if (H5Lexists(file, path, H5P_DEFAULT) > 0) H5Ldelete(file, path, H5P_DEFAULT);
  if (remove) return;
  if (Take(b) % 4 == 0) {
    hid_t g = H5Gcreate2(file, path, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (g >= 0) H5Gclose(g);
  } else {
    hid_t t = TakeType(b, &is_string, &is_vlen), s = TakeSpace(b, &n), d;
    void *data = TakeData(b, t, is_string, is_vlen, n);
    d          = H5Dcreate2(file, path, t, s, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (d >= 0) {
      H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, data);
      H5Dclose(d);
    }
    free(data);
    H5Sclose(s);
    H5Tclose(t);
  }
}

/* A new summary group for an analysis name of the input's choosing (any bytes). */
static void EditName(hid_t file, Bytes *b)
{
  char  name[40];
  hid_t g;
  for (size_t i = 0; i < sizeof name - 1; i++) name[i] = (char) (Take(b) % 2 ? 'a' + Take(b) % 26 : Take(b));
  name[1 + Take(b) % (sizeof name - 2)] = 0;
  if (strchr(name, '/') || !name[0]) return;
  g = H5Gopen2(file, "/summary", H5P_DEFAULT);
  if (g < 0) return;
  hid_t c = H5Gcreate2(g, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (c >= 0) H5Gclose(c);
  H5Gclose(g);
}

static const char *Structured(const uint8_t *data, size_t size)
{
  const char *path = TTFuzzWrite("results.h5", seed_bytes, seed_len);
  Bytes       b    = {data, size};
  hid_t       file = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
  if (file < 0) abort();
  for (int op = 0; op < 8 && b.n; op++) {
    switch (Take(&b) % 5) {
    case 0:
      EditAttribute(file, &b, 1);
      break;
    case 1:
      EditAttribute(file, &b, 0);
      break;
    case 2:
      EditLink(file, &b, 1);
      break;
    case 3:
      EditLink(file, &b, 0);
      break;
    default:
      EditName(file, &b);
      break;
    }
  }
  if (H5Fclose(file) < 0) abort();
  if (H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL) != 0) CloseAll();
  return path;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const char    *path = raw ? TTFuzzWrite("results.h5", data, size) : Structured(data, size);
  PetscErrorCode ierr = TTStoreSummary(path, sink);
  if (ierr) {
    char       *msg = NULL;
    const char *txt = NULL;
    PetscErrorMessage(ierr, &txt, &msg);
    if (ierr != PETSC_ERR_USER || !msg || strchr(msg, '\n') || strncmp(msg, path, strlen(path))) {
      fprintf(stderr, "fuzz: expected one user-error line naming the file, got code %d: %s\n", (int) ierr,
              msg ? msg : "");
      abort();
    }
    CloseAll();
  } else if (H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL) != 0) {
    fprintf(stderr, "fuzz: %zd HDF5 objects left open after a successful read\n",
            (ssize_t) H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL));
    abort();
  }
  return 0;
}

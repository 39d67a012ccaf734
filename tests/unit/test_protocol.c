/* test_protocol.c — protocol loading, defaults, View → Load round trip, overrides,
 * cohort path resolution, and the TTYaml conversions. Bad inputs are covered one
 * fixture per CTest test by test_protocol_bad.c. Usage: test_protocol [case]. */
#define _XOPEN_SOURCE 700 /* realpath, chdir, getcwd */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <twintrial/protocol.h>

#define DATA TT_TEST_DATA_DIR

static int nfail;

#define CHECK(cond)                                                                                                    \
  do {                                                                                                                 \
    if (!(cond)) {                                                                                                     \
      nfail++;                                                                                                         \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);                                         \
    }                                                                                                                  \
  } while (0)

/* Clears what legitimately differs between two loads of the same protocol:
 * path, text and source locations. */
static void Normalize(TTProtocol *p)
{
  memset(p->path, 0, sizeof p->path);
  p->text = NULL;
  memset(p->strata_loc, 0, sizeof p->strata_loc);
  memset(&p->cohort_loc, 0, sizeof p->cohort_loc);
  memset(&p->model_loc, 0, sizeof p->model_loc);
  for (int i = 0; i < TT_MAX_PARAMS; i++) memset(&p->param[i].loc, 0, sizeof(TTLoc));
  for (int i = 0; i < TT_MAX_ARMS; i++) {
    memset(&p->arm[i].loc, 0, sizeof(TTLoc));
    for (int j = 0; j < TT_MAX_EFFECTS; j++) memset(&p->arm[i].effect[j].loc, 0, sizeof(TTLoc));
  }
  for (int i = 0; i < TT_MAX_ENDPOINTS; i++) {
    memset(&p->endpoint[i].loc, 0, sizeof(TTLoc));
    memset(&p->endpoint[i].variable_loc, 0, sizeof(TTLoc));
  }
  for (int i = 0; i < TT_MAX_ANALYSES; i++) {
    memset(&p->analysis[i].loc, 0, sizeof(TTLoc));
    memset(p->analysis[i].covariate_loc, 0, sizeof p->analysis[i].covariate_loc);
  }
}

/* View(p) to a file, Load it back, and compare the structs (normalized, bytewise:
 * both are zero-initialised by the loader, so padding and unused slots agree). */
static PetscErrorCode RoundTrip(const char *path)
{
  TTProtocol *p, *q, a, b;
  char        out[PATH_MAX];
  FILE       *fp;
  PetscFunctionBeginUser;
  PetscCall(TTProtocolLoad(path, &p));
  PetscCall(PetscSNPrintf(out, sizeof out, "%s/roundtrip_%s", TT_TEST_OUT_DIR, strrchr(path, '/') + 1));
  fp = fopen(out, "w");
  PetscCheck(fp, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot write %s", out);
  PetscCall(TTProtocolView(p, fp));
  fclose(fp);
  PetscCall(TTProtocolLoad(out, &q));
  a = *p;
  b = *q;
  Normalize(&a);
  Normalize(&b);
  CHECK(!strcmp(a.name, b.name));
  CHECK(a.seed == b.seed && a.block_size == b.block_size && a.dropout_scale_days == b.dropout_scale_days);
  CHECK(!memcmp(&a, &b, sizeof a));
  if (memcmp(&a, &b, sizeof a)) PetscCall(TTProtocolView(q, stderr));
  PetscCall(TTProtocolDestroy(&p));
  PetscCall(TTProtocolDestroy(&q));
  PetscFunctionReturn(0);
}

static PetscErrorCode view_roundtrip_is_identical(void)
{
  PetscFunctionBeginUser;
  PetscCall(RoundTrip(DATA "/protocols/good.yaml"));
  PetscCall(RoundTrip(DATA "/protocols/minimal.yaml"));
  PetscCall(RoundTrip(DATA "/protocols/exponential.yaml"));
  PetscFunctionReturn(0);
}

/* Every value of good.yaml as written there. */
static PetscErrorCode good_protocol_values(void)
{
  TTProtocol *p;
  PetscFunctionBeginUser;
  PetscCall(TTProtocolLoad(DATA "/protocols/good.yaml", &p));
  CHECK(!strcmp(p->name, "Symptomatic AChE inhibitor, 78 weeks"));
  CHECK(p->seed == 20261124 && p->replicates == 1000 && p->patients == 400);
  CHECK(p->narm == 2 && !strcmp(p->arm[1].name, "donepezil_10mg"));
  CHECK(p->arm[0].ratio == 1 && p->arm[1].ratio == 2);
  CHECK(p->randomization == TT_RANDOMIZE_PERMUTED_BLOCK && p->block_size == 6);
  CHECK(p->nstrata == 1 && !strcmp(p->strata[0], "apoe4_carrier"));
  CHECK(p->strata_loc[0].line == 8 && p->strata_loc[0].column == 67); /* for later checks against the cohort */
  CHECK(!strcmp(p->model, "alzheimers_adas") && p->nparam == 2 && p->param[1].value == 0.153);
  CHECK(!strcmp(p->param[0].key, "bl") && p->param[0].loc.line == 10 && p->param[0].loc.column == 45);
  CHECK(p->arm[1].neffect == 2 && p->arm[1].effect[1].value == 7.6);
  CHECK(!strcmp(p->time_unit, "week") && p->unit_in_days == 7 && p->nvisit == 7 && p->visit[5] == 65);
  CHECK(p->dropout == TT_DROPOUT_WEIBULL && p->dropout_shape == 0.62);
  CHECK(fabs(p->dropout_scale_days - 124 * 365.25 / 12) < 1e-9); /* 3774.25 days */
  CHECK(p->prognostic_noise_sd == 0.5);
  CHECK(p->nendpoint == 2 && p->endpoint[0].type == TT_ENDPOINT_CHANGE_FROM_BASELINE &&
        p->endpoint[0].visit_index == 6);
  CHECK(p->endpoint[1].type == TT_ENDPOINT_VALUE_AT_VISIT && p->endpoint[1].visit_index == 2);
  CHECK(p->nanalysis == 3 && p->analysis[1].ncovariate == 2 &&
        !strcmp(p->analysis[1].covariate[1], "prognostic_score"));
  CHECK(p->analysis[0].treatment_arm == 1 && p->analysis[0].control_arm == 0);
  CHECK(p->analysis[2].method == TT_ANALYSIS_WELCH && p->analysis[2].sided == 1 && p->analysis[2].direction == 1);
  CHECK(p->analysis[2].alpha == 0.025 && p->analysis[2].treatment_arm == 0 && p->analysis[2].control_arm == 1);
  CHECK(p->analysis[2].endpoint_index == 1);
  CHECK(p->output_subjects == TT_OUTPUT_ALL);
  PetscCall(TTProtocolDestroy(&p));
  PetscFunctionReturn(0);
}

/* minimal.yaml gives only required keys: the defaults of the schema. */
static PetscErrorCode minimal_protocol_gets_defaults(void)
{
  TTProtocol *p;
  PetscFunctionBeginUser;
  PetscCall(TTProtocolLoad(DATA "/protocols/minimal.yaml", &p));
  CHECK(p->seed == UINT64_MAX);                                                 /* 18446744073709551615 */
  CHECK(p->arm[0].ratio == 1 && p->arm[1].ratio == 1);                          /* no allocation: 1:1 */
  CHECK(p->randomization == TT_RANDOMIZE_PERMUTED_BLOCK && p->block_size == 4); /* 2 * sum of ratios */
  CHECK(p->nstrata == 0 && p->nparam == 0 && p->arm[0].neffect == 0);
  CHECK(p->unit_in_days == 365.25 / 12 && p->visit[1] == 6.5);
  CHECK(p->dropout == TT_DROPOUT_NONE && p->prognostic_noise_sd == 0);
  CHECK(p->analysis[0].alpha == 0.05 && p->analysis[0].sided == 2 && p->analysis[0].direction == -1);
  CHECK(p->analysis[0].treatment_arm == 1 && p->analysis[0].control_arm == 0 && p->analysis[0].ncovariate == 0);
  CHECK(p->output_subjects == TT_OUTPUT_FIRST_REPLICATE);
  PetscCall(TTProtocolDestroy(&p));
  PetscFunctionReturn(0);
}

/* rate_per_year 0.25 → mean 4 years = 1461 days, shape 1; simple randomization keeps fractional ratios. */
static PetscErrorCode exponential_dropout_in_days(void)
{
  TTProtocol *p;
  PetscFunctionBeginUser;
  PetscCall(TTProtocolLoad(DATA "/protocols/exponential.yaml", &p));
  CHECK(p->dropout == TT_DROPOUT_EXPONENTIAL && p->dropout_shape == 1 && fabs(p->dropout_scale_days - 1461) < 1e-9);
  CHECK(p->randomization == TT_RANDOMIZE_SIMPLE && p->block_size == 0 && p->arm[0].ratio == 1.5);
  CHECK(!strcmp(p->name, "quoted: name with \"escapes\"\tand a tab"));
  CHECK(p->visit[2] == 100 && p->analysis[0].treatment_arm == 2 && p->analysis[0].control_arm == 1);
  CHECK(p->output_subjects == TT_OUTPUT_NONE);
  PetscCall(TTProtocolDestroy(&p));
  PetscFunctionReturn(0);
}

static PetscErrorCode overrides_replace_file_values(void)
{
  TTProtocol    *p;
  PetscErrorCode ierr;
  PetscFunctionBeginUser;
  PetscCall(TTProtocolLoad(DATA "/protocols/good.yaml", &p));
  PetscCall(TTProtocolOverride(p, -1, -1, PETSC_FALSE, 99)); /* nothing given: file values stay */
  CHECK(p->replicates == 1000 && p->patients == 400 && p->seed == 20261124);
  PetscCall(TTProtocolOverride(p, 5, 60, PETSC_TRUE, 42));
  CHECK(p->replicates == 5 && p->patients == 60 && p->seed == 42);
  PetscCall(TTProtocolOverride(p, -1, -1, PETSC_TRUE, 0)); /* seed 0 is a valid seed */
  CHECK(p->seed == 0 && p->replicates == 5);
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = TTProtocolOverride(p, 0, -1, PETSC_FALSE, 0); /* --replicates 0 is a user error */
  CHECK(ierr == PETSC_ERR_USER);
  ierr = TTProtocolOverride(p, -1, 1, PETSC_FALSE, 0); /* --patients 1 too */
  CHECK(ierr == PETSC_ERR_USER);
  PetscCall(PetscPopErrorHandler());
  CHECK(p->replicates == 5 && p->patients == 60);
  PetscCall(TTProtocolDestroy(&p));
  PetscFunctionReturn(0);
}

/* The cohort path resolves against the protocol's directory whatever the working directory. */
static PetscErrorCode cohort_path_relative_to_protocol(void)
{
  TTProtocol *p;
  char        want[PATH_MAX], cwd[PATH_MAX];
  PetscFunctionBeginUser;
  CHECK(realpath(DATA "/cohorts/good.yaml", want) != NULL);
  CHECK(getcwd(cwd, sizeof cwd) != NULL);
  PetscCall(TTProtocolLoad(DATA "/protocols/sub/dir/nested.yaml", &p));
  CHECK(!strcmp(p->cohort_path, want));
  CHECK(p->cohort_loc.line == 3 && p->cohort_loc.column == 9);
  PetscCall(TTProtocolDestroy(&p));
  CHECK(chdir(DATA "/protocols/sub") == 0);
  PetscCall(TTProtocolLoad("dir/nested.yaml", &p)); /* relative protocol path too */
  CHECK(!strcmp(p->cohort_path, want) && !strcmp(p->path, "dir/nested.yaml"));
  PetscCall(TTProtocolDestroy(&p));
  CHECK(chdir(DATA "/protocols/sub/dir") == 0);
  PetscCall(TTProtocolLoad("nested.yaml", &p)); /* no directory part */
  CHECK(!strcmp(p->cohort_path, want));
  PetscCall(TTProtocolDestroy(&p));
  CHECK(chdir(cwd) == 0);
  PetscFunctionReturn(0);
}

/* text keeps the file's bytes as given (provenance). */
static PetscErrorCode text_is_the_file(void)
{
  TTProtocol *p;
  char        buf[8192];
  size_t      n;
  FILE       *fp = fopen(DATA "/protocols/good.yaml", "rb");
  PetscFunctionBeginUser;
  PetscCheck(fp, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "good.yaml");
  n      = fread(buf, 1, sizeof buf - 1, fp);
  buf[n] = 0;
  fclose(fp);
  PetscCall(TTProtocolLoad(DATA "/protocols/good.yaml", &p));
  CHECK(!strcmp(p->text, buf));
  PetscCall(TTProtocolDestroy(&p));
  PetscFunctionReturn(0);
}

/* Reals print as the shortest decimal that reads back exactly. */
static PetscErrorCode format_real_is_shortest_exact(void)
{
  const double v[] = {0.05, 0.1 + 0.2, 1.0 / 3.0, 3774.25, 1e-300, -2.5, 0.0, 65, 1e22};
  char         buf[32];
  PetscFunctionBeginUser;
  CHECK(!strcmp(TTYamlFormatReal(0.05, buf), "0.05"));
  CHECK(!strcmp(TTYamlFormatReal(65, buf), "65"));
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) CHECK(strtod(TTYamlFormatReal(v[i], buf), NULL) == v[i]);
  PetscFunctionReturn(0);
}

/* Destroy accepts NULL and nulls the pointer. */
static PetscErrorCode destroy_accepts_null(void)
{
  TTProtocol *p = NULL;
  TTYaml      y = NULL;
  PetscFunctionBeginUser;
  PetscCall(TTProtocolDestroy(&p));
  PetscCall(TTProtocolDestroy(NULL));
  PetscCall(TTYamlDestroy(&y));
  PetscCall(TTProtocolLoad(DATA "/protocols/minimal.yaml", &p));
  PetscCall(TTProtocolDestroy(&p));
  CHECK(p == NULL);
  PetscFunctionReturn(0);
}

/* A missing protocol file is a user error naming the file. */
static PetscErrorCode missing_protocol_file(void)
{
  TTProtocol    *p = NULL;
  PetscErrorCode ierr;
  char          *msg = NULL;
  PetscFunctionBeginUser;
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = TTProtocolLoad(DATA "/protocols/no_such_protocol.yaml", &p);
  PetscCall(PetscPopErrorHandler());
  CHECK(ierr == PETSC_ERR_USER && p == NULL);
  PetscCall(PetscErrorMessage(ierr, NULL, &msg));
  CHECK(msg && strstr(msg, "no_such_protocol.yaml: cannot open file: No such file or directory"));
  PetscFunctionReturn(0);
}

typedef struct {
  const char *name;
  PetscErrorCode (*run)(void);
} Case;

int main(int argc, char **argv)
{
  const Case cases[] = {
      {"good_protocol_values", good_protocol_values},
      {"minimal_protocol_gets_defaults", minimal_protocol_gets_defaults},
      {"exponential_dropout_in_days", exponential_dropout_in_days},
      {"view_roundtrip_is_identical", view_roundtrip_is_identical},
      {"overrides_replace_file_values", overrides_replace_file_values},
      {"cohort_path_relative_to_protocol", cohort_path_relative_to_protocol},
      {"text_is_the_file", text_is_the_file},
      {"format_real_is_shortest_exact", format_real_is_shortest_exact},
      {"destroy_accepts_null", destroy_accepts_null},
      {"missing_protocol_file", missing_protocol_file},
  };
  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    int before = nfail;
    if (argc > 1 && argv[1][0] != '-' && strcmp(argv[1], cases[i].name)) continue; /* [case] [PETSc options] */
    PetscCall(cases[i].run());
    printf("%s %s\n", nfail == before ? "ok  " : "FAIL", cases[i].name);
  }
  PetscCall(PetscFinalize());
  return nfail ? 1 : 0;
}

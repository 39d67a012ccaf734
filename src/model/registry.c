/* registry.c — the list of models twintrial knows. Adding a model is one line here
 * plus its file in src/model/. Order is the order `twintrial models` prints. */
#include <string.h>
#include <twintrial/model.h>

extern const TTModelType tt_model_alzheimers_adas;
extern const TTModelType tt_model_t2d_hba1c;
extern const TTModelType tt_model_oncology_tgi_os;
extern const TTModelType tt_model_ms_relapse;
extern const TTModelType tt_model_pk_1cmt_oral;
extern const TTModelType tt_model_pk_2cmt_oral;

static const TTModelType *const registry[] = {&tt_model_alzheimers_adas, &tt_model_t2d_hba1c,
                                              &tt_model_oncology_tgi_os, &tt_model_pk_1cmt_oral,
                                              &tt_model_pk_2cmt_oral,    &tt_model_ms_relapse};

int tt_model_list(const TTModelType *const **types)
{
  *types = registry;
  return (int) (sizeof(registry) / sizeof(registry[0]));
}

const TTModelType *tt_model_find(const char *name)
{
  const TTModelType *const *types;
  int                       n = tt_model_list(&types);
  for (int i = 0; i < n; i++)
    if (!strcmp(types[i]->name, name)) return types[i];
  return NULL;
}

int tt_model_param_index(int n, const TTParamInfo *info, const char *name)
{
  for (int i = 0; i < n; i++)
    if (!strcmp(info[i].name, name)) return i;
  return -1;
}

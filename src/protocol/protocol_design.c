/* protocol_design.c — the timing of a trial: trial.enrollment and the
 * group-sequential design (interim); dropout is protocol_dropout.c's.
 *
 * Invariants on success: accrual_days and followup_days are >= 0 (0 when
 * absent); with interim looks,
 * 2 <= nlook <= TT_MAX_LOOKS, the information fractions increase strictly in
 * (0, 1] and end at 1, HSD gammas are given exactly when HSD is chosen, beta is
 * in (0, 0.5) and interim_analysis indexes p->analysis. Event-driven looks
 * (interim.events instead of information) are integers increasing strictly from 1,
 * information[j] = events[j] / events[last], the deciding analysis is time to event,
 * and max_duration_days (0 when absent) is given only with events, never together
 * with a follow-up, and exceeds the accrual. Keys that do not apply
 * to the chosen spending function are errors, never silently ignored.
 */
#include <string.h>
#include "protocol/protocolimpl.h"

/* ---- trial.enrollment ---- */

/* At most one of PREFIX_days/_weeks/_months/_years in `map` (key path `parent`), a real >= 0:
 * *days (unchanged when absent); *key is the key found (0 when absent), if key is not NULL. */
static PetscErrorCode Duration(TTYaml y, TTYamlNode map, const char *parent, const char *prefix, double *days,
                               TTYamlNode *key)
{
  const char *found = NULL;
  char        name[4][32], path[96];
  PetscFunctionBeginUser;
  for (int u = 0; u < 4; u++) PetscCall(PetscSNPrintf(name[u], sizeof name[u], "%s_%ss", prefix, TTTimeUnitNames[u]));
  for (int u = 0; u < 4; u++) {
    TTYamlNode n = TTYamlFind(y, map, name[u]);
    double     v;
    if (!n) continue;
    PetscCall(TTYamlKeyJoin(path, sizeof path, parent, name[u]));
    if (found)
      PetscCall(TTYamlError(y, TTYamlFindKey(y, map, name[u]), path,
                            "expected at most one of %s, %s, %s, %s; %s is given too", name[0], name[1], name[2],
                            name[3], found));
    PetscCall(TTYamlGetReal(y, n, path, &v));
    if (v < 0) PetscCall(TTYamlError(y, n, path, "expected a duration >= 0, found %g", v));
    *days = v * TTTimeUnitDays[u];
    found = name[u];
  }
  if (key) *key = found ? TTYamlFindKey(y, map, found) : 0;
  PetscFunctionReturn(0);
}

PetscErrorCode TTProtocolParseEnrollment(TTYaml y, TTYamlNode map, TTProtocol *p)
{
  static const char *const keys[] = {"accrual_days",  "accrual_weeks",  "accrual_months",  "accrual_years",
                                     "followup_days", "followup_weeks", "followup_months", "followup_years"};
  PetscFunctionBeginUser;
  PetscCall(TTYamlCheckMapping(y, map, "trial.enrollment", "a mapping {accrual_months: ..., followup_months: ...}"));
  PetscCall(TTYamlCheckKeys(y, map, "trial.enrollment", 8, keys));
  PetscCall(Duration(y, map, "trial.enrollment", "accrual", &p->accrual_days, NULL));
  PetscCall(Duration(y, map, "trial.enrollment", "followup", &p->followup_days, NULL));
  PetscFunctionReturn(0);
}

/* ---- interim ---- */

static PetscErrorCode ParseInformation(TTYaml y, TTYamlNode seq, TTProtocol *p)
{
  const char *key = "interim.information";
  int         len = TTYamlLength(y, seq);
  PetscFunctionBeginUser;
  PetscCall(TTYamlCheckSequence(y, seq, key, "a sequence of information fractions, e.g. [0.5, 1]"));
  if (len < 2)
    PetscCall(TTYamlError(y, seq, key, "expected at least 2 looks (an interim and the final one), found %d", len));
  for (int i = 0; i < len; i++) {
    TTYamlNode n = TTYamlItem(y, seq, i);
    double    *t = &p->information[i];
    char       path[64];
    PetscCall(TTYamlKeyIndex(path, sizeof path, key, i));
    if (i >= TT_MAX_LOOKS) PetscCall(TTYamlError(y, n, path, "expected at most %d looks", TT_MAX_LOOKS));
    PetscCall(TTYamlGetReal(y, n, path, t));
    if (!(*t > 0 && *t <= 1))
      PetscCall(TTYamlError(y, n, path, "expected an information fraction in (0, 1], found %g", *t));
    if (i > 0 && !(*t > t[-1]))
      PetscCall(TTYamlError(y, n, path, "expected strictly increasing information fractions; %g does not follow %g", *t,
                            t[-1]));
    if (i == len - 1 && *t != 1)
      PetscCall(TTYamlError(y, n, path, "expected the final look at full information (1), found %g", *t));
    p->nlook = i + 1;
  }
  PetscFunctionReturn(0);
}

/* A spending function (key `which`), and its HSD gamma (key `gamma`) exactly when it is hsd. */
static PetscErrorCode ParseSpending(TTYaml y, TTYamlNode map, const char *which, const char *gamma, PetscBool none_ok,
                                    TTSpending *s, double *g)
{
  static const char *const efficacy[] = {"obrien_fleming", "pocock", "hsd"};
  static const char *const futility[] = {"none", "obrien_fleming", "pocock", "hsd"};
  TTYamlNode               n;
  char                     path[64];
  int                      c;
  PetscFunctionBeginUser;
  if ((n = TTYamlFind(y, map, which))) {
    PetscCall(TTYamlKeyJoin(path, sizeof path, "interim", which));
    if (none_ok) {
      PetscCall(TTYamlGetChoice(y, n, path, 4, futility, &c));
      *s = c ? (TTSpending) (c - 1) : TT_SPENDING_NONE;
    } else {
      PetscCall(TTYamlGetChoice(y, n, path, 3, efficacy, &c));
      *s = (TTSpending) c;
    }
  }
  PetscCall(TTYamlKeyJoin(path, sizeof path, "interim", gamma));
  if (*s == TT_SPENDING_HSD) {
    PetscCall(TTYamlRequire(y, map, "interim", gamma, "the Hwang-Shih-DeCani gamma (a real number) for hsd", &n));
    PetscCall(TTYamlGetReal(y, n, path, g));
  } else if ((n = TTYamlFindKey(y, map, gamma)))
    PetscCall(TTYamlError(y, n, path, "expected no %s with %s %s (it is the gamma of hsd)", gamma, which,
                          TTSpendingNames[*s]));
  PetscFunctionReturn(0);
}

/* events: [d1, ..., dK], positive integers, strictly increasing; information[j] = dj / dK. */
static PetscErrorCode ParseEvents(TTYaml y, TTYamlNode seq, TTProtocol *p)
{
  const char *key = "interim.events";
  int         len = TTYamlLength(y, seq);
  PetscFunctionBeginUser;
  PetscCall(TTYamlCheckSequence(y, seq, key, "a sequence of event counts, e.g. [165, 330]"));
  if (len < 2)
    PetscCall(TTYamlError(y, seq, key, "expected at least 2 looks (an interim and the final one), found %d", len));
  for (int i = 0; i < len; i++) {
    TTYamlNode n = TTYamlItem(y, seq, i);
    long       d;
    char       path[64];
    PetscCall(TTYamlKeyIndex(path, sizeof path, key, i));
    if (i >= TT_MAX_LOOKS) PetscCall(TTYamlError(y, n, path, "expected at most %d looks", TT_MAX_LOOKS));
    PetscCall(TTYamlGetInt(y, n, path, &d));
    if (d < 1 || d > 100000000)
      PetscCall(TTYamlError(y, n, path, "expected a number of events in 1..10^8, found %ld", d));
    if (i > 0 && !((double) d > p->events[i - 1]))
      PetscCall(TTYamlError(y, n, path, "expected strictly increasing event counts; %ld does not follow %.0f", d,
                            p->events[i - 1]));
    p->events[i] = (double) d;
    p->nlook     = i + 1;
  }
  for (int i = 0; i < p->nlook; i++) p->information[i] = p->events[i] / p->events[p->nlook - 1];
  p->event_driven = 1;
  p->events_loc   = TTYamlLoc(y, seq);
  PetscFunctionReturn(0);
}

/* The looks: information fractions or event counts, exactly one of them. */
static PetscErrorCode ParseLooks(TTYaml y, TTYamlNode map, TTProtocol *p)
{
  TTYamlNode info = TTYamlFind(y, map, "information"), ev = TTYamlFind(y, map, "events");
  PetscFunctionBeginUser;
  if (info && ev)
    PetscCall(TTYamlError(y, TTYamlFindKey(y, map, "events"), "interim.events",
                          "expected either information (fractions) or events (event counts), not both"));
  if (!info && !ev)
    PetscCall(TTYamlError(y, map, "interim",
                          "missing required key information (fractions, e.g. [0.5, 1]) or events (event counts, e.g. "
                          "[165, 330])"));
  if (info)
    PetscCall(ParseInformation(y, info, p));
  else
    PetscCall(ParseEvents(y, ev, p));
  PetscFunctionReturn(0);
}

/* Event-driven designs: the deciding analysis is time to event; max_duration (the
 * calendar cut-off) only with events, never with trial.enrollment's follow-up, and
 * longer than the accrual. */
static PetscErrorCode CheckEventDriven(TTYaml y, TTYamlNode map, TTProtocol *p)
{
  const TTAnalysisSpec *an = &p->analysis[p->interim_analysis];
  const TTEndpointSpec *ep = &p->endpoint[an->endpoint_index];
  TTYamlNode            key;
  char                  path[64];
  PetscFunctionBeginUser;
  PetscCall(Duration(y, map, "interim", "max_duration", &p->max_duration_days, &key));
  if (key) {
    PetscCall(TTYamlKeyJoin(path, sizeof path, "interim", TTYamlScalar(y, key)));
    if (!p->event_driven)
      PetscCall(TTYamlError(
          y, key, path, "expected %s only with events: [...] (it is the calendar cut-off of an event-driven design)",
          TTYamlScalar(y, key)));
    if (p->followup_days > 0)
      PetscCall(TTYamlError(y, key, path,
                            "expected either %s or trial.enrollment.followup_*, not both (each ends the follow-up)",
                            TTYamlScalar(y, key)));
    if (!(p->max_duration_days > p->accrual_days))
      PetscCall(TTYamlError(y, TTYamlFind(y, map, TTYamlScalar(y, key)), path,
                            "expected a duration longer than the accrual period (%g days), found %g days",
                            p->accrual_days, p->max_duration_days));
  }
  if (p->event_driven && TTEndpointKindOf(ep->type) != TT_KIND_TIME_TO_EVENT)
    PetscCall(TTYamlError(y, TTYamlFindKey(y, map, "events"), "interim.events",
                          "expected a time-to-event deciding analysis (logrank or cox); analysis '%s' analyses "
                          "endpoint '%s', which is not time to event (use information: [fractions])",
                          an->name, ep->name));
  PetscFunctionReturn(0);
}

PetscErrorCode TTProtocolParseInterim(TTYaml y, TTYamlNode map, TTProtocol *p)
{
  static const char *const keys[] = {"information",
                                     "events",
                                     "spending",
                                     "gamma",
                                     "futility",
                                     "futility_gamma",
                                     "beta",
                                     "analysis",
                                     "max_duration_days",
                                     "max_duration_weeks",
                                     "max_duration_months",
                                     "max_duration_years"};
  TTYamlNode               n;
  PetscFunctionBeginUser;
  PetscCall(
      TTYamlCheckMapping(y, map, "interim", "a mapping {information: [...] or events: [...], spending: ..., ...}"));
  PetscCall(TTYamlCheckKeys(y, map, "interim", (int) (sizeof keys / sizeof keys[0]), keys));
  PetscCall(ParseLooks(y, map, p));
  PetscCall(ParseSpending(y, map, "spending", "gamma", PETSC_FALSE, &p->spending, &p->spending_gamma));
  PetscCall(ParseSpending(y, map, "futility", "futility_gamma", PETSC_TRUE, &p->futility, &p->futility_gamma));
  if ((n = TTYamlFind(y, map, "beta"))) {
    if (p->futility == TT_SPENDING_NONE)
      PetscCall(TTYamlError(y, TTYamlFindKey(y, map, "beta"), "interim.beta",
                            "expected no beta with futility none (beta is spent on futility stopping)"));
    PetscCall(TTYamlGetReal(y, n, "interim.beta", &p->futility_beta));
    if (!(p->futility_beta > 0 && p->futility_beta < 0.5))
      PetscCall(TTYamlError(y, n, "interim.beta", "expected a type II error in (0, 0.5), found %g", p->futility_beta));
  }
  p->interim_analysis = 0;
  p->interim_loc      = TTYamlLoc(y, map);
  if ((n = TTYamlFind(y, map, "analysis"))) {
    char name[TT_NAME_MAX], list[512] = "";
    PetscCall(TTYamlGetName(y, n, "interim.analysis", name));
    p->interim_analysis = -1;
    for (int i = 0; i < p->nanalysis; i++)
      if (!strcmp(p->analysis[i].name, name)) p->interim_analysis = i;
    if (p->interim_analysis < 0) {
      for (int i = 0; i < p->nanalysis; i++) {
        PetscCall(PetscStrlcat(list, i ? ", " : "", sizeof list));
        PetscCall(PetscStrlcat(list, p->analysis[i].name, sizeof list));
      }
      PetscCall(TTYamlError(y, n, "interim.analysis", "expected an analysis name (one of %s), found '%s'", list, name));
    }
    p->interim_loc = TTYamlLoc(y, n);
  }
  PetscCall(CheckEventDriven(y, map, p));
  PetscFunctionReturn(0);
}

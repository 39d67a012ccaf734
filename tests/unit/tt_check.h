/* tt_check.h — minimal checks for the lead's unit tests: each failed check prints
 * the expression, expected value (with its source) and actual value; main returns
 * the failure count. */
#ifndef TT_CHECK_H
#define TT_CHECK_H
#include <math.h>
#include <stdio.h>

static int tt_failures = 0;

#define TT_CHECK_CLOSE(actual, expected, tol, source)                                                                  \
  do {                                                                                                                 \
    double a_ = (actual), e_ = (expected);                                                                             \
    if (!(fabs(a_ - e_) <= (tol))) {                                                                                   \
      printf("FAIL %s:%d: %s = %.10g, expected %.10g +- %g (%s)\n", __FILE__, __LINE__, #actual, a_, e_,               \
             (double) (tol), source);                                                                                  \
      tt_failures++;                                                                                                   \
    }                                                                                                                  \
  } while (0)

#define TT_CHECK(cond, what)                                                                                           \
  do {                                                                                                                 \
    if (!(cond)) {                                                                                                     \
      printf("FAIL %s:%d: %s (%s)\n", __FILE__, __LINE__, #cond, what);                                                \
      tt_failures++;                                                                                                   \
    }                                                                                                                  \
  } while (0)

#endif

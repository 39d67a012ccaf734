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

/* TT_SAMPLES(n): the size of a Monte-Carlo or many-case check: n, and n / 10 in the
 * valgrind build (tt_memcheck, tests/CMakeLists.txt defines TT_UNDER_MEMCHECK), which
 * looks for memory errors along the same code at about 50 times the cost per case. A
 * check's tolerance is computed from the size it used. */
#ifdef TT_UNDER_MEMCHECK
#define TT_SAMPLES(n) ((n) / 10)
#else
#define TT_SAMPLES(n) (n)
#endif

#endif

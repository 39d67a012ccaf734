// pcg_oracle.cpp — tt_pcg32 against O'Neill's reference C++ pcg32 (libpcg-cpp-dev).
//
// 200 (initstate, initseq) pairs, including edge values, x 1000 outputs each must
// match pcg32(initstate, initseq) bit for bit; advance() and backstep() by assorted
// deltas (through 2^64 - 1) must land on the same state as tt_pcg32_advance.
#include <cinttypes>
#include <cstdio>

#include <pcg_random.hpp>

#include "twintrial/rng.h"

static int g_fail;

// Prints the expected value, its source, and the actual value; counts the failure.
#define CHECK_U64(actual, expected, source)                                                                            \
  do {                                                                                                                 \
    uint64_t a_ = (actual), e_ = (expected);                                                                           \
    if (a_ != e_ && g_fail++ < 20)                                                                                     \
      std::fprintf(stderr, "%s:%d: FAIL %s: expected 0x%" PRIx64 " (%s), got 0x%" PRIx64 "\n", __FILE__, __LINE__,     \
                   #actual, e_, source, a_);                                                                           \
  } while (0)

static uint64_t splitmix(uint64_t &x)
{
  uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z          = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z          = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static void compare_pair(uint64_t initstate, uint64_t initseq, uint64_t &gen)
{
  pcg32    ref(initstate, initseq);
  tt_pcg32 c;
  tt_pcg32_seed(&c, initstate, initseq);
  for (int i = 0; i < 1000; i++) CHECK_U64(tt_pcg32_next(&c), ref(), "pcg32(initstate, initseq)() from pcg_random.hpp");
  const uint64_t deltas[] = {0, 1, 2, 1000, 123456789, 1ULL << 40, 1ULL << 63, UINT64_MAX, splitmix(gen)};
  for (uint64_t d : deltas) {
    ref.advance(d);
    tt_pcg32_advance(&c, d);
    CHECK_U64(tt_pcg32_next(&c), ref(), "pcg32::advance(delta) then ()");
    ref.backstep(d);
    tt_pcg32_advance(&c, (uint64_t) 0 - d);
    CHECK_U64(tt_pcg32_next(&c), ref(), "pcg32::backstep(delta) then ()");
  }
}

int main()
{
  const uint64_t edge[][2] = {{0, 0},          {42, 54}, {UINT64_MAX, UINT64_MAX}, {0, 1ULL << 63},
                              {1ULL << 63, 0}, {1, 1},   {UINT64_MAX, 0},          {0, UINT64_MAX}};
  uint64_t       gen       = 20240601;
  int            pairs     = 0;
  for (const auto &e : edge) compare_pair(e[0], e[1], gen), pairs++;
  while (pairs < 200) {
    uint64_t s = splitmix(gen), q = splitmix(gen);
    compare_pair(s, q, gen), pairs++;
  }
  std::printf("pcg_oracle: %d pairs x 1000 outputs + advance/backstep: %s\n", pairs, g_fail ? "FAILED" : "ok");
  return g_fail ? 1 : 0;
}

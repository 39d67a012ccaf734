# rng module: statistical and contract tests, plus the reference-pcg32 oracle.
tt_unit_test(test_rng ${TT_SOURCE_DIR}/tests/unit/test_rng.c LIBS tt_pure)

# Oracle against O'Neill's C++ pcg32 (Debian: libpcg-cpp-dev). CI installs it;
# without the header the test is not registered.
find_path(TT_PCG_CPP_INCLUDE pcg_random.hpp)
if(TT_PCG_CPP_INCLUDE)
  tt_unit_test(test_rng_pcg_oracle ${TT_SOURCE_DIR}/tests/unit/pcg_oracle.cpp LIBS tt_pure)
  target_include_directories(test_rng_pcg_oracle SYSTEM PRIVATE ${TT_PCG_CPP_INCLUDE})
else()
  message(STATUS "pcg_random.hpp not found (apt-get install libpcg-cpp-dev): skipping test_rng_pcg_oracle")
endif()

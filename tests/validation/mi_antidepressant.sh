#!/bin/bash
# Reference-based multiple imputation reproduces a published worked example: rbmi's
# jump-to-reference analysis of the antidepressant trial (Mallinckrodt et al.'s 6-week
# HAMD-17 trial of the DIA missing-data working group: 172 patients, 84 on drug, change
# from baseline at weeks 1, 2, 4 and 6, 43 missing at week 6; the data as rbmi ships them,
# tests/data/mi/antidepressant.csv: group 1 = DRUG, 0 = PLACEBO, BASVAL, CHANGE at the four
# visits). Published (rbmi 1.5.2, vignette "quickstart", Wolbers et al. 2022 Pharm Stat
# 21:1246): imputation model THERAPY*VISIT + BASVAL*VISIT with one unstructured covariance,
# 150 Bayesian (MCMC) draws, J2R with PLACEBO as reference, ANCOVA on BASVAL at week 6,
# Rubin's rules: PLACEBO - DRUG 2.16910952, SE 1.1200045, i.e. DRUG - PLACEBO -2.16910952.
# twintrial's model is the same (per-visit means per arm linear in baseline, one
# covariance); its parameter draws are sequential Bayesian regressions (monotone data
# augmentation for the one patient with an intermittent gap, 3618) instead of MCMC; as in
# rbmi, 3618's gap is imputed under MAR (it is no intercurrent event) and its later
# visits kept. Tolerance: 3 Monte-Carlo SEs of the difference of
# the two pooled figures, from this run's between-imputation variance b: for the estimate
# sqrt(b/150 + b/M); for the SE, the spread of sqrt(ubar + (1 + 1/m) b) from b's own
# sampling error (b * sqrt(2/(m - 1))) at m = 150 and M. The check can fail: under
# copy reference (-2.35 here) and MAR (-2.82) the estimate is outside it, and the script
# asserts that too.
# usage: mi_antidepressant.sh MI_CSV DATA.csv
set -euo pipefail
prog=$1 data=$2
M=1000
run() { "$prog" impute "$data" 4 "$1" 0 0 "$M" ancova 4 20240607 | awk -v k="$2" '$1 == k {print $2}'; }
est=$(run jump_to_reference estimate) se=$(run jump_to_reference se)
b=$(run jump_to_reference b) ubar=$(run jump_to_reference ubar)
cr=$(run copy_reference estimate) mar=$(run mar estimate)
awk -v e="$est" -v s="$se" -v b="$b" -v u="$ubar" -v cr="$cr" -v mar="$mar" -v M="$M" 'BEGIN {
  pub = -2.16910952; pubse = 1.1200045
  tol_e = 3 * sqrt(b / 150 + b / M)
  # d SE / d b = (1 + 1/m) / (2 SE); sd(b) = b sqrt(2 / (m - 1))
  sd150 = (1 + 1 / 150) / (2 * pubse) * b * sqrt(2 / 149); sdM = (1 + 1 / M) / (2 * s) * b * sqrt(2 / (M - 1))
  tol_s = 3 * sqrt(sd150 ^ 2 + sdM ^ 2)
  printf "J2R DRUG - PLACEBO: %.4f (SE %.4f) against published %.4f (SE %.4f); |diff| %.4f <= %.4f, %.4f <= %.4f\n",
    e, s, pub, pubse, (e > pub ? e - pub : pub - e), tol_e, (s > pubse ? s - pubse : pubse - s), tol_s
  printf "copy reference %.4f, MAR %.4f: each must differ from the published J2R by more than %.4f\n", cr, mar, tol_e
  bad = 0
  if ((e > pub ? e - pub : pub - e) > tol_e) { print "FAIL: J2R estimate"; bad = 1 }
  if ((s > pubse ? s - pubse : pubse - s) > tol_s) { print "FAIL: J2R SE"; bad = 1 }
  if ((cr > pub ? cr - pub : pub - cr) <= tol_e || (mar > pub ? mar - pub : pub - mar) <= tol_e) {
    print "FAIL: the check cannot tell J2R from copy reference or MAR"; bad = 1 }
  exit bad }'

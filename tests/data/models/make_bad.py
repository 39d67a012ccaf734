# Writes the bad model fixtures: each is the good ODE or closed-form model with one
# mistake; the expected location is found by searching the file for the marker text
# (an independent check of the column mapping inside block scalars).
import re, sys
ode = '''model:
  name: fev1_fixture
  time_unit: week
  parameters: {base: {value: 2.1, unit: L}, kout: {value: 0.3, unit: 1/week}, emax: {value: 0, unit: "1"}, ec50: {value: 5, unit: week}}
  random_effects: {variance: {eta_base: 0.04, eta_kout: 0.09}, correlation: {"eta_base, eta_kout": 0.2}}
  covariates: [age, male]
  effects: {emax: 0}
  individual: |
    BASE = base * exp(eta_base) * (age / 60)^(-0.2)
    KOUT = kout * exp(eta_kout)
  states: {R: BASE}
  odes: |
    d/dt(R) = KOUT * BASE * (1 + emax * t / (ec50 + t)) - KOUT * R
  outputs: |
    fev1 = R
  residual: {fev1: {proportional: 0.05, additive: 0.02}}
'''
closed = '''model:
  name: linear_fixture
  time_unit: year
  parameters:
    intercept: {value: 20, unit: points}
    slope: {value: 3, unit: points/year}
  random_effects:
    variance: {eta_i: 0.1}
  effects: {slowing: 0}
  outputs: "score = intercept * exp(eta_i) + slope * (1 - slowing) * t"
  residual: {score: {additive: 2}}
'''
# name: (base, old, new, marker (text at the error; nth occurrence after the change), key, message prefix)
cases = {
 'unknown_name': (ode, 'KOUT = kout *', 'KOUT = kot *', 'kot', 'model.individual', "unknown name 'kot'; expected one of the parameters"),
 'assign_parameter': (ode, '    KOUT = kout', '    kout = kout', 'kout = kout', 'model.individual', "cannot assign to 'kout', a parameter"),
 'assign_twice': (ode, '    KOUT = kout * exp(eta_kout)\n', '    KOUT = kout * exp(eta_kout)\n    BASE = 2\n', 'BASE = 2', 'model.individual', "'BASE' is assigned twice (first at line 10)"),
 'state_without_derivative': (ode, '{R: BASE}', '{R: BASE, S: 0}', 'S: 0', 'model.states', "state 'S' has no derivative; expected d/dt(S)"),
 'derivative_not_state': (ode, 'd/dt(R) = KOUT', 'd/dt(Q) = KOUT', 'Q) =', 'model.odes', "d/dt(Q): 'Q' is not a state; expected one of R"),
 'derivative_twice': (ode, '- KOUT * R\n', '- KOUT * R\n    d/dt(R) = 0\n', 'R) = 0', 'model.odes', 'd/dt(R) is given twice'),
 'derivative_syntax': (ode, 'd/dt(R) = KOUT', 'd/dx(R) = KOUT', 'dx(R)', 'model.odes', "expected dt in d/dt(STATE), found 'dx'"),
 'residual_not_output': (ode, '{fev1: {prop', '{fev: {prop', 'fev:', 'model.residual.fev', "'fev' is not an output; expected one of fev1"),
 'residual_zero': (ode, '{proportional: 0.05, additive: 0.02}', '{additive: 0}', '{additive: 0}', 'model.residual.fev1', 'expected a positive additive'),
 'residual_both': (ode, '{proportional: 0.05, additive: 0.02}', '{lognormal: 0.1, additive: 0.02}', 'additive', 'model.residual.fev1.additive', 'the lognormal family takes no additive; expected lognormal'),
 'residual_family_unknown': (ode, '{proportional: 0.05, additive: 0.02}', '{family: gamma}', 'gamma', 'model.residual.fev1.family', "expected normal, lognormal, beta, poisson or negative_binomial, found 'gamma'"),
 'residual_beta_without_bounds': (ode, '{proportional: 0.05, additive: 0.02}', '{family: beta, precision: 10}', '{family', 'model.residual.fev1.lo', 'missing required key; expected the lowest possible value'),
 'residual_beta_with_additive': (ode, '{proportional: 0.05, additive: 0.02}', '{family: beta, precision: 10, lo: 0, hi: 5, additive: 1}', 'additive', 'model.residual.fev1.additive', 'the beta family takes no additive; expected precision, lo, hi'),
 'residual_beta_inverted': (ode, '{proportional: 0.05, additive: 0.02}', '{family: beta, precision: 10, lo: 5, hi: 0}', '0}', 'model.residual.fev1.hi', 'expected hi > lo (5), found 0'),
 'residual_negbin_zero': (ode, '{proportional: 0.05, additive: 0.02}', '{family: negative_binomial, dispersion: 0}', '0}', 'model.residual.fev1.dispersion', 'expected a dispersion > 0'),
 'residual_poisson_with_sd': (ode, '{proportional: 0.05, additive: 0.02}', '{family: poisson, proportional: 0.1}', 'proportional', 'model.residual.fev1.proportional', 'the poisson family takes no proportional; expected no parameter'),
 'correlation_unknown': (ode, '"eta_base, eta_kout": 0.2', '"eta_base, eta_k": 0.2', '"eta_base, eta_k"', 'model.random_effects.correlation.eta_base, eta_k', 'expected two different random effects'),
 'correlation_range': (ode, '"eta_base, eta_kout": 0.2', '"eta_base, eta_kout": 1.5', '1.5', 'model.random_effects.correlation.eta_base, eta_kout', 'expected a correlation in (-1, 1)'),
 'variance_negative': (ode, 'eta_base: 0.04', 'eta_base: -0.04', '-0.04', 'model.random_effects.variance.eta_base', 'expected a variance > 0'),
 'state_in_individual': (ode, 'KOUT = kout * exp(eta_kout)', 'KOUT = kout * exp(eta_kout) * R', 'R\n', 'model.individual', "'R' (state) cannot be read in individual"),
 'time_in_individual': (ode, 'KOUT = kout * exp(eta_kout)', 'KOUT = kout * exp(eta_kout) + t', 't\n', 'model.individual', "'t' (time) cannot be read in individual"),
 'time_in_state': (ode, '{R: BASE}', '{R: BASE + t}', 't}', 'model.states.R', "'t' (time) cannot be read in states (initial values)"),
 'unknown_function': (ode, 'exp(eta_kout)', 'expo(eta_kout)', 'expo', 'model.individual', "unknown function 'expo'; expected one of exp log"),
 'wrong_arity': (ode, 'exp(eta_kout)', 'max(eta_kout)', 'max', 'model.individual', 'max() expects 2 arguments or more, found 1'),
 'if_arity': (ode, 'exp(eta_kout)', 'if(eta_kout, 1)', 'if(', 'model.individual', 'if() expects 3 arguments, found 2'),
 'syntax_operator': (ode, 'KOUT * BASE * (1', 'KOUT * BASE * * (1', '* (1', 'model.odes', "expected a number, a name, a function call or '(', found '*'"),
 'syntax_unclosed': (ode, '(ec50 + t)) - KOUT', '(ec50 + t) - KOUT', '\n  outputs', 'model.odes', "expected ')' closing the parenthesis, found the end"),
 'syntax_character': (ode, 'KOUT = kout', 'KOUT = kout $', '$', 'model.individual', "expected a number, a name, an operator or a parenthesis, found '$'"),
 'number_overflow': (ode, '(age / 60)', '(age / 6e999)', '6e999', 'model.individual', "expected a finite number, found '6e999'"),
 'comparison_chain': (ode, 'KOUT = kout * exp(eta_kout)', 'KOUT = kout * (0 < age < 1)', '< 1', 'model.individual', 'expected one comparison, found a chain'),
 'name_is_function': (ode, 'ec50: {value', 'exp: {value', 'exp: {', 'model.parameters.exp', "'exp' is a function; expected another name for a parameter"),
 'name_is_time': (ode, 'covariates: [age, male]', 'covariates: [age, t]', 't]', 'model.covariates[1]', "'t' is the time"),
 'duplicate_across_kinds': (ode, 'covariates: [age, male]', 'covariates: [age, base]', 'base]', 'model.covariates[1]', "'base' is already a parameter (line 5)"),
 'output_is_state': (ode, 'fev1 = R', 'R = R', 'R = R', 'model.outputs', "cannot assign to 'R', a state"),
 'odes_without_states': (ode, '  states: {R: BASE}\n', '', 'name:', 'model', 'missing required key states'),
 'states_without_odes': (ode, '  odes: |\n    d/dt(R) = KOUT * BASE * (1 + emax * t / (ec50 + t)) - KOUT * R\n', '', '{R: BASE}', 'model', 'missing required key odes'),
 'missing_outputs': (ode, '  outputs: |\n    fev1 = R\n  residual: {fev1: {proportional: 0.05, additive: 0.02}}\n', '', 'name:', 'model.outputs', 'missing required key; expected NAME = expression'),
 'bad_time_unit': (ode, 'time_unit: week', 'time_unit: weeks', 'weeks', 'model.time_unit', "expected hour, day, week, month or year, found 'weeks'"),
 'unknown_key': (ode, '  odes: |', '  ode: |', 'ode:', 'model.ode', 'unknown key; expected one of name'),
 'event_unknown_name': (ode, "  residual:", "  events: {death: {hazard: 0.01 * fev, type: terminal}}\n  residual:", 'fev,', 'model.events.death.hazard', "unknown name 'fev'"),
 'event_hazard_not_expression': (ode, "  residual:", "  events: {death: {hazard: [0.01], type: terminal}}\n  residual:", '[0.01]', 'model.events.death.hazard', 'expected the hazard, an expression (events per time unit), found a sequence'),
 'event_bad_type': (ode, "  residual:", "  events: {death: {hazard: 0.01, type: fatal}}\n  residual:", 'fatal', 'model.events.death.type', "expected terminal or recurrent, found 'fatal'"),
 'event_without_hazard': (ode, "  residual:", "  events: {death: {type: terminal}}\n  residual:", '{type', 'model.events.death.hazard', 'missing required key; expected the hazard, an expression'),
 'event_unknown_key': (ode, "  residual:", "  events: {death: {hazard: 0.01, type: terminal, rate: 2}}\n  residual:", 'rate', 'model.events.death.rate', 'unknown key; expected one of hazard, type'),
 'event_not_mapping': (ode, "  residual:", "  events: {death: 0.01}\n  residual:", '0.01', 'model.events.death', 'expected a mapping {hazard: EXPRESSION, type: terminal or recurrent}'),
 'switch_time_in_ode': (ode, 'fev1 = R', 'fev1 = R + t_switch', 't_switch', 'model.outputs', "'t_switch' (the start of the regimen segment under way) cannot be read in outputs; expected it only in the outputs of a closed-form model"),
 'before_in_ode': (ode, 'fev1 = R', 'fev1 = before(fev1)', 'before', 'model.outputs', 'before() cannot be read in outputs; expected it only in the outputs of a closed-form model'),
 'before_not_output': (closed, '* (1 - slowing) * t"', '* (1 - slowing) * t + before(slope)"', 'slope)', 'model.outputs', "before(slope): 'slope' is not an output defined above or being defined"),
 'before_later_output': (closed, '* (1 - slowing) * t"', '* (1 - slowing) * t + before(later); later = 1"', 'later)', 'model.outputs', "before(later): 'later' is not an output defined above or being defined"),
 'name_is_switch_time': (closed, '    slope: {value', '    t_switch: {value: 1}\n    slope: {value', 't_switch:', 'model.parameters.t_switch', "'t_switch' is the start of the regimen segment under way; expected another name for a parameter"),
 'truncate_unknown': (closed, '    variance: {eta_i: 0.1}\n', '    variance: {eta_i: 0.1}\n    truncate: {eta_j: 2}\n', 'eta_j', 'model.random_effects.truncate.eta_j', "'eta_j' is not a random effect; expected one declared under variance"),
 'truncate_excludes_mean': (closed, '    variance: {eta_i: 0.1}\n', '    variance: {eta_i: 0.1}\n    truncate: {eta_i: [0.1, 0.5]}\n', '[0.1', 'model.random_effects.truncate.eta_i', 'expected LO < 0 < HI (the mean 0 inside), found [0.1, 0.5]'),
 'truncate_sds_zero': (closed, '    variance: {eta_i: 0.1}\n', '    variance: {eta_i: 0.1}\n    truncate: {eta_i: 0}\n', '0}\n', 'model.random_effects.truncate.eta_i', 'expected a number of standard deviations > 0, found 0'),
 'truncate_three_bounds': (closed, '    variance: {eta_i: 0.1}\n', '    variance: {eta_i: 0.1}\n    truncate: {eta_i: [-1, 0, 1]}\n', '[-1', 'model.random_effects.truncate.eta_i', 'expected SDS (a number of standard deviations) or [LO, HI]'),
 'omega_not_positive_definite': (closed, '    variance: {eta_i: 0.1}\n', '    variance: {a: 1, b: 1, c: 1}\n    correlation: {"a, b": 0.9, "b, c": 0.9, "a, c": -0.9}\n', '{"a, b"', 'model.random_effects.correlation', 'expected correlations making a positive-definite covariance'),
 'dosing_without_states': (closed, "  residual:", "  dosing: {state: A, amount: 1}\n  residual:", '{state: A', 'model.dosing', 'expected states and odes: doses enter an ODE state'),
 'dosing_unknown_state': (ode, "  residual:", "  dosing: {state: Q, amount: 1}\n  residual:", 'Q, amount', 'model.dosing.state', "'Q' is not a state; expected one of R"),
 'dosing_reads_time': (ode, "  residual:", "  dosing: {state: R, amount: 1, interval: 24 * t}\n  residual:", 't}', 'model.dosing.interval', "'t' (time) cannot be read in dosing"),
 'range_inverted': (ode, "  residual:", "  ranges: {fev1: {lo: 5, hi: 1, source: x}}\n  residual:", '1, source', 'model.ranges.fev1.hi', 'expected hi > lo (5), found 1'),
 'quoted_unknown_name': (closed, '* (1 - slowing) * t"', '* (1 - slowing) * tt"', 'tt"', 'model.outputs', "unknown name 'tt'"),
 'later_output': (closed, '  outputs: "score = intercept', '  outputs: "a = b + 1; b = 2; score = intercept', 'b + 1', 'model.outputs', "unknown name 'b'"),
 'no_model_key': (closed, 'model:', 'mode:', 'mode:', 'document', 'expected one key, model:'),
 'domain_unknown': (ode, 'kout: {value: 0.3, unit: 1/week}', 'kout: {value: 0.3, unit: 1/week, domain: nonnegativ}', 'nonnegativ', 'model.parameters.kout.domain', "expected real, positive, nonnegative, above_minus_1 or count, found 'nonnegativ'"),
 'domain_excludes_value': (ode, 'kout: {value: 0.3, unit: 1/week}', 'kout: {value: -0.3, unit: 1/week, domain: positive}', '-0.3', 'model.parameters.kout', "the value -0.3 is outside the parameter's domain; expected a positive number"),
 'domain_excludes_effect_default': (ode, 'emax: {value: 0, unit: "1"}, ec50: {value: 5, unit: week}}\n  random_effects: {variance: {eta_base: 0.04, eta_kout: 0.09}, correlation: {"eta_base, eta_kout": 0.2}}\n  covariates: [age, male]\n  effects: {emax: 0}', 'emax: {value: 0, unit: "1", domain: above_minus_1}, ec50: {value: 5, unit: week}}\n  random_effects: {variance: {eta_base: 0.04, eta_kout: 0.09}, correlation: {"eta_base, eta_kout": 0.2}}\n  covariates: [age, male]\n  effects: {emax: -2}', '-2}', 'model.effects.emax', "the default -2 is outside the domain of parameter 'emax'; expected a fractional change above -1 (1 + f > 0)"),
 'parameter_not_number': (closed, '{value: 20, unit: points}', '{value: twenty, unit: points}', 'twenty', 'model.parameters.intercept.value', "expected a real number, found 'twenty'"),
}
out = sys.argv[1]
for name, (base, old, new, marker, key, msg) in sorted(cases.items()):
    assert old in base, name
    text = base.replace(old, new, 1)
    # the marker's first occurrence at or after the change
    start = text.index(new) if new else 0
    pos = text.find(marker, max(0, start - 40) if marker not in new else start)
    assert pos >= 0, (name, marker)
    line = text.count('\n', 0, pos) + 2  # +1 for 1-based, +1 for the expect line
    col = pos - (text.rfind('\n', 0, pos) + 1) + 1
    open(f'{out}/{name}.yaml', 'w').write(f'# expect: {line}:{col}: {key}: {msg}\n' + text)
print(len(cases))
